import type { Resource } from "@modelcontextprotocol/server";
import {
  SkillsExtension,
  skillEntry,
  type Skill as SkillEntry,
  type SkillSource,
} from "@modelcontextprotocol/server/ext/skills";
import type { Skill } from "../skill/index.js";

const markdown = "text/markdown";

/** Where a skill's files live: `skill://<name>/SKILL.md`, `skill://<name>/epics/<id>`. */
export function skillFileUri(skill: Skill, relativePath: string): string {
  return `skill://${skill.frontmatter.name}/${relativePath}`;
}

export function epicUri(skill: Skill, epicId: string): string {
  return skillFileUri(skill, `epics/${epicId}`);
}

interface SkillFile {
  uri: string;
  name: string;
  title: string;
  description: string;
  text: string;
}

/** SKILL.md and one markdown file per epic: what a host downloads and what resources/list shows. */
function skillFiles(skill: Skill): Map<string, SkillFile> {
  const files: SkillFile[] = [
    {
      uri: skillFileUri(skill, "SKILL.md"),
      name: "SKILL.md",
      title: `${skill.frontmatter.name} skill`,
      description: skill.frontmatter.description,
      text: skill.raw,
    },
    ...skill.epics.map((epic) => ({
      uri: epicUri(skill, epic.id),
      name: epic.id,
      title: `${epic.id} ${epic.name} (${epic.size})`,
      description: `Epic ${epic.id}, ${epic.name}: its goal, tools and acceptance checks`,
      text: epic.text,
    })),
  ];
  return new Map(files.map((file) => [new URL(file.uri).href, file]));
}

function canonical(uri: string): string | undefined {
  try {
    return new URL(uri).href;
  } catch {
    return undefined;
  }
}

/**
 * Serves the skill through the SDK's Skills extension from memory. A catalog built from a
 * folder would need an async load before the first server exists; this source builds its entry
 * (digests and sizes) on first use instead, so servers can be created synchronously.
 */
function skillSource(skill: Skill): SkillSource {
  const files = skillFiles(skill);
  const manifestUri = new URL(skillFileUri(skill, "SKILL.md")).href;
  let entry: Promise<SkillEntry> | undefined;
  const entryOnce = () => {
    const relative = (file: SkillFile) =>
      file.uri.slice(`skill://${skill.frontmatter.name}/`.length);
    entry ??= skillEntry(
      skill.frontmatter.name,
      Object.fromEntries([...files.values()].map((file) => [relative(file), file.text])),
    );
    return entry;
  };

  return {
    list: async () => ({ skills: [await entryOnce()] }),
    get: async (uri) => (canonical(uri) === manifestUri ? entryOnce() : undefined),
    read: async (uri) => {
      const key = canonical(uri);
      const file = key === undefined ? undefined : files.get(key);
      return file && { text: file.text, mimeType: markdown };
    },
    listResources: async (): Promise<Resource[]> =>
      [...files.values()].map((file) => ({
        uri: file.uri,
        name: file.name,
        title: file.title,
        description: file.description,
        mimeType: markdown,
        size: Buffer.byteLength(file.text),
      })),
  };
}

const extensions = new WeakMap<Skill, SkillsExtension>();

/** One extension per loaded skill; it attaches to every server the transports create. */
export function skillsExtensionFor(skill: Skill): SkillsExtension {
  let extension = extensions.get(skill);
  if (!extension) {
    extension = new SkillsExtension({ source: skillSource(skill), strict: true });
    extensions.set(skill, extension);
  }
  return extension;
}
