import { describe, expect, it } from "vitest";
import {
  loadSkill,
  matchedTriggers,
  matchPhrase,
  matchQuestion,
  normalise,
} from "../../src/skill/index.js";

const skill = loadSkill();
const bestTool = (question: string) => matchQuestion(skill, question)[0]?.tool;

describe("matchQuestion", () => {
  it.each([
    ["inference latency", "validate_inference_latency"],
    ["model optimization", "validate_mojo_artifact"],
    ["mojo artifact", "validate_mojo_artifact"],
    ["event loop blocking", "validate_event_loop"],
    ["cache busting", "test_cache_coherence"],
    ["gin index", "benchmark_gin_index"],
  ])("routes the trigger %j to %s", (trigger, tool) => {
    expect(bestTool(trigger)).toBe(tool);
    expect(matchedTriggers(skill, trigger)).toEqual([trigger]);
  });

  it("offers both the MOJO check and the AutoML pruner for model optimization", () => {
    const tools = matchQuestion(skill, "model optimization").map((s) => s.tool);
    expect(tools).toEqual(["validate_mojo_artifact", "prune_automl"]);
  });

  it.each([
    ["why is my inference p99 over 100ms", "validate_inference_latency"],
    ["my container gets OOMKilled with H2O", "calculate_memory_split"],
    ["jsonb queries are slow", "benchmark_gin_index"],
    ["is this mojo safe to deploy", "validate_mojo_artifact"],
    ["redis serves stale predictions after a model update", "test_cache_coherence"],
    ["uvicorn stalls under load", "validate_event_loop"],
    ["automl takes 6 hours", "prune_automl"],
    ["Our event loop is blocked: time.sleep() inside an async def", "validate_event_loop"],
    ["what -Xmx should I give a 4Gi pod?", "calculate_memory_split"],
    ["MaxRAMPercentage=75 and the JVM still gets killed", "calculate_memory_split"],
    ["mojo vs pojo for serving", "validate_mojo_artifact"],
    ["feature rows are huge since we put embeddings in jsonb (toast?)", "audit_toast"],
    ["too many connections from gunicorn workers", "audit_connections"],
    ["the latency of inference went up", "validate_inference_latency"],
  ])("routes %j to %s", (question, tool) => {
    expect(bestTool(question)).toBe(tool);
  });

  it("explains a suggestion with the phrases that matched", () => {
    const [best] = matchQuestion(skill, "is this mojo safe to deploy");
    expect(best).toMatchObject({
      superpower: "Model Quantizer",
      tool: "validate_mojo_artifact",
      epics: ["MLO-DEV-01", "MLO-SCN-01"],
      matched: ["mojo", "safe to deploy"],
    });
    expect(best!.score).toBeGreaterThan(0.5);
    expect(best!.score).toBeLessThanOrEqual(1);
    expect(best!.reason).toContain('"safe to deploy"');
  });

  it("returns nothing for a question about something else", () => {
    expect(matchQuestion(skill, "what is the capital of France?")).toEqual([]);
    expect(matchQuestion(skill, "how do I make the index smaller")).toEqual([]);
    expect(matchedTriggers(skill, "what is the capital of France?")).toEqual([]);
  });

  it("weighs a whole phrase above the same words scattered, and both above one shared word", () => {
    const score = (question: string) =>
      matchQuestion(skill, question, { minScore: 0 }).find((s) => s.tool === "validate_event_loop")
        ?.score ?? 0;
    const whole = score("asyncio stall");
    const scattered = score("stall in asyncio");
    const sharedWord = score("asyncio");
    expect(whole).toBeGreaterThan(scattered);
    expect(scattered).toBeGreaterThan(sharedWord);
    expect(sharedWord).toBeGreaterThan(0);
  });

  it("counts one shared word once, however many phrases contain it", () => {
    const [index] = matchQuestion(skill, "index", { minScore: 0 }).filter(
      (s) => s.tool === "benchmark_gin_index",
    );
    expect(index?.score).toBe(0.13);
    expect(index?.matched).toEqual([]);
  });

  it("honours the limit and ranks best first", () => {
    const all = matchQuestion(skill, "stale redis cache after a model update makes p99 slow");
    expect(all.length).toBeGreaterThan(1);
    expect(all.map((s) => s.score)).toEqual([...all.map((s) => s.score)].sort((a, b) => b - a));
    expect(
      matchQuestion(skill, "stale redis cache after a model update", { limit: 1 }),
    ).toHaveLength(1);
  });
});

describe("normalise", () => {
  it("lowercases, drops punctuation and stems so inflections meet", () => {
    expect(normalise("Uvicorn STALLS!")).toEqual(normalise("uvicorn stalled"));
    expect(normalise("caching")).toEqual(normalise("caches"));
    expect(normalise("indexes")).toEqual(normalise("index"));
    expect(normalise("queries")).toEqual(normalise("query"));
    expect(normalise("OOMKilled")).toEqual(normalise("oomkilled"));
    expect(normalise("time.sleep()")).toEqual(["tim", "sleep"]);
    expect(normalise("p99 100ms")).toEqual(["p99", "100m"]);
  });

  it("finds a phrase whole, scattered or not at all", () => {
    const words = normalise("the latency of our inference service");
    expect(matchPhrase(words, "inference latency")).toBe("scattered");
    expect(matchPhrase(normalise("high inference latency"), "inference latency")).toBe("whole");
    expect(matchPhrase(words, "gin index")).toBe("none");
  });
});

describe("a suggestion's reason", () => {
  it("quotes shared words as the user spelled them", () => {
    const [toast] = matchQuestion(skill, "reading embeddings stored as jsonb", {
      minScore: 0,
    }).filter((s) => s.tool === "audit_toast");
    expect(toast?.reason).toContain("shares the words");
    expect(toast?.reason).toMatch(/embeddings|reading|stored/);
    expect(toast?.reason).not.toMatch(/\bembedd\b/);
  });
});
