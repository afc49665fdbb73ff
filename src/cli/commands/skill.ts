import type { Command } from "commander";
import { loadSkill, SkillError, type Skill } from "../../skill/index.js";
import { usageError, writeStdout } from "../context.js";
import { exitCodes } from "../exit-codes.js";

interface SkillOptions {
  json?: boolean;
  file?: string;
}

function readSkill(path: string | undefined): Skill {
  try {
    return loadSkill(path);
  } catch (error) {
    if (error instanceof SkillError) throw usageError(`SKILL.md is broken: ${error.message}`);
    throw error;
  }
}

export function registerSkill(program: Command): void {
  program
    .command("skill")
    .description("Print the skill (SKILL.md) that tells an agent when to use which tool")
    .option("--json", "print the parsed frontmatter as JSON instead")
    .option("--file <path>", "read this SKILL.md instead of the bundled one")
    .action(async (options: SkillOptions) => {
      const skill = readSkill(options.file);
      await writeStdout(
        options.json ? JSON.stringify(skill.frontmatter, null, 2) + "\n" : skill.raw,
      );
      process.exitCode = exitCodes.pass;
    });
}
