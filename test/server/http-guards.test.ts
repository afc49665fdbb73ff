import { describe, expect, it } from "vitest";
import { hostAllowed, originAllowed } from "../../src/server/http.js";

describe("Host check", () => {
  it("accepts the loopback names only with the server's own port", () => {
    expect(hostAllowed("localhost:8080", 8080, [])).toBe(true);
    expect(hostAllowed("127.0.0.1:8080", 8080, [])).toBe(true);
    expect(hostAllowed("[::1]:8080", 8080, [])).toBe(true);
    expect(hostAllowed("LOCALHOST:8080", 8080, [])).toBe(true);
    expect(hostAllowed("localhost:9090", 8080, [])).toBe(false);
    expect(hostAllowed("localhost", 8080, [])).toBe(false);
  });

  it("refuses rebound names, a missing header and malformed values", () => {
    expect(hostAllowed("evil.example:8080", 8080, [])).toBe(false);
    expect(hostAllowed("localhost.evil.example:8080", 8080, [])).toBe(false);
    expect(hostAllowed(undefined, 8080, [])).toBe(false);
    expect(hostAllowed("localhost:8080:1", 8080, [])).toBe(false);
    expect(hostAllowed("[::1:8080", 8080, [])).toBe(false);
  });

  it("accepts configured names on any port, or on the one port they name", () => {
    expect(hostAllowed("mlo.internal", 8080, ["mlo.internal"])).toBe(true);
    expect(hostAllowed("mlo.internal:443", 8080, ["mlo.internal"])).toBe(true);
    expect(hostAllowed("mlo.internal:9000", 8080, ["mlo.internal:9000"])).toBe(true);
    expect(hostAllowed("mlo.internal:9001", 8080, ["mlo.internal:9000"])).toBe(false);
  });
});

describe("Origin check", () => {
  it("lets clients without an Origin through, as non-browser clients send none", () => {
    expect(originAllowed(undefined, [])).toBe(true);
  });

  it("accepts loopback pages on any port and configured names", () => {
    expect(originAllowed("http://localhost:6274", [])).toBe(true);
    expect(originAllowed("http://127.0.0.1", [])).toBe(true);
    expect(originAllowed("http://[::1]:3000", [])).toBe(true);
    expect(originAllowed("https://mlo.internal", ["mlo.internal:9000"])).toBe(true);
  });

  it("refuses foreign pages, the opaque null origin and other schemes", () => {
    expect(originAllowed("http://evil.example", [])).toBe(false);
    expect(originAllowed("http://localhost.evil.example", [])).toBe(false);
    expect(originAllowed("null", [])).toBe(false);
    expect(originAllowed("file://localhost", [])).toBe(false);
  });
});
