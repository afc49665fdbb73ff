export { availableTools, routableEntries, suggestToolName, toolStatus } from "./catalog.js";
export { serverInstructions } from "./instructions.js";
export {
  defaultSkillPath,
  loadSkill,
  parseSkill,
  SkillError,
  type Epic,
  type Skill,
  type SkillIssue,
} from "./load.js";
export {
  defaultMinScore,
  matchedTriggers,
  matchPhrase,
  matchQuestion,
  normalise,
  stem,
  type MatchOptions,
  type Suggestion,
} from "./match.js";
export {
  cardEpicIds,
  cardSuperpowerSlugs,
  cardTriggers,
  designedTools,
  frontmatterSchema,
  type DesignedTool,
  type SkillFrontmatter,
  type Superpower,
  type ToolStatus,
} from "./schema.js";
