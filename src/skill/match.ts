import type { Skill } from "./load.js";
import type { Superpower } from "./schema.js";

export interface Suggestion {
  /** The superpower (or supporting tool) whose phrases matched. */
  superpower: string;
  tool: string;
  epics: string[];
  /** 0..1; one whole phrase scores about 0.5, each further phrase raises it. */
  score: number;
  /** The phrases that matched, as written in SKILL.md. */
  matched: string[];
  reason: string;
}

export interface MatchOptions {
  /** Suggestions below this score are dropped. */
  minScore?: number;
  limit?: number;
}

export const defaultMinScore = 0.2;

// Words that say nothing about which tool is meant; they never count as an overlap.
const stopWords = new Set(
  (
    "a an the my our your their its this that these those is are was were be been being am " +
    "i we you it they he she me us them do does did doing have has had get gets got " +
    "why how what when where which who whom can could should would will shall may might must " +
    "of in on at to for from with without by about into onto over under after before during " +
    "and or but if then so than too very not no yes all any some each every just also only " +
    "there here up down out off again once more most much many please help"
  )
    .split(" ")
    .map(stem),
);

/**
 * A light stemmer: enough that "stalls", "stalled" and "stalling" meet, and "caches" and
 * "caching" meet "cache". Both sides of a comparison go through it, so odd stems are harmless.
 */
export function stem(word: string): string {
  let base = word;
  if (base.length > 4 && base.endsWith("ies")) base = `${base.slice(0, -3)}y`;
  else if (base.length > 3 && base.endsWith("s") && !/(ss|us|is)$/.test(base)) {
    base = base.slice(0, -1);
  }
  for (const suffix of ["ing", "ed"]) {
    if (base.endsWith(suffix) && base.length - suffix.length >= 3) {
      base = base.slice(0, -suffix.length);
      if (/([^aeiouls])\1$/.test(base)) base = base.slice(0, -1);
      break;
    }
  }
  if (base.length > 3 && base.endsWith("e")) base = base.slice(0, -1);
  return base;
}

/** Lowercase words without punctuation, stemmed: "Uvicorn stalls!" -> ["uvicorn", "stall"]. */
export function normalise(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length > 0)
    .map(stem);
}

function contentWords(words: readonly string[]): string[] {
  return words.filter((word) => !stopWords.has(word));
}

function containsRun(words: readonly string[], run: readonly string[]): boolean {
  if (run.length === 0 || run.length > words.length) return false;
  for (let start = 0; start + run.length <= words.length; start++) {
    if (run.every((word, offset) => words[start + offset] === word)) return true;
  }
  return false;
}

type PhraseMatch = "whole" | "scattered" | "none";

/**
 * "whole": the phrase's words appear together and in order. "scattered": all its content words
 * appear somewhere in the question ("latency of inference" for "inference latency").
 */
export function matchPhrase(questionWords: readonly string[], phrase: string): PhraseMatch {
  const phraseWords = normalise(phrase);
  if (containsRun(questionWords, phraseWords)) return "whole";
  const content = contentWords(phraseWords);
  if (content.length > 1 && content.every((word) => questionWords.includes(word))) {
    return "scattered";
  }
  return "none";
}

/**
 * Longer phrases say more: a whole three-word phrase weighs 1.5, a single word 1. The card's
 * triggers are what hosts route on, so a phrase that is also a trigger weighs a quarter more.
 */
function phraseWeight(phrase: string, match: PhraseMatch, isTrigger: boolean): number {
  const length = Math.min(normalise(phrase).length, 3);
  const whole = (1 + 0.25 * (length - 1)) * (isTrigger ? 1.25 : 1);
  return match === "whole" ? whole : 0.75 * whole;
}

const sharedWordWeight = 0.2;

function scoreEntry(
  questionWords: readonly string[],
  entry: Superpower,
  triggerKeys: ReadonlySet<string>,
  spelling: ReadonlyMap<string, string>,
): Suggestion | undefined {
  let raw = 0;
  const matched: string[] = [];
  const covered = new Set<string>();

  const seenKeys = new Set<string>();
  for (const phrase of [...entry.phrases, entry.name]) {
    // "stale prediction" and "stale predictions" are one phrase once stemmed; count it once.
    const key = normalise(phrase).join(" ");
    if (seenKeys.has(key)) continue;
    seenKeys.add(key);

    const match = matchPhrase(questionWords, phrase);
    if (match === "none") continue;
    raw += phraseWeight(phrase, match, triggerKeys.has(key));
    if (phrase !== entry.name) matched.push(phrase);
    for (const word of normalise(phrase)) covered.add(word);
  }

  // Single shared words count once each, however many phrases contain them, so one common
  // word ("index") cannot carry a tool on its own.
  const phraseWords = new Set(entry.phrases.flatMap((phrase) => contentWords(normalise(phrase))));
  const shared = [...new Set(contentWords(questionWords))].filter(
    (word) => phraseWords.has(word) && !covered.has(word),
  );
  raw += sharedWordWeight * shared.length;

  if (raw === 0) return undefined;
  const score = Math.round((1 - Math.exp(-0.7 * raw)) * 100) / 100;
  const parts: string[] = [];
  if (matched.length > 0) parts.push(`matched ${matched.map((p) => `"${p}"`).join(", ")}`);
  if (shared.length > 0) {
    parts.push(`shares the words ${shared.map((word) => spelling.get(word) ?? word).join(", ")}`);
  }
  return {
    superpower: entry.name,
    tool: entry.tool,
    epics: [...entry.epics],
    score,
    matched,
    reason: `${entry.name} (${entry.tool}): the question ${parts.join(" and ")}.`,
  };
}

/** Ranks the skill's tools for a free-text question, best first, dropping weak matches. */
export function matchQuestion(
  skill: Skill,
  question: string,
  options: MatchOptions = {},
): Suggestion[] {
  const minScore = options.minScore ?? defaultMinScore;
  const questionWords = normalise(question);
  const entries = [...skill.frontmatter.superpowers, ...skill.frontmatter.supporting_tools];
  const triggerKeys = new Set(skill.frontmatter.triggers.map((t) => normalise(t).join(" ")));
  // Reasons quote the user's own spelling, not the stems.
  const spelling = new Map(
    question
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 0)
      .map((word) => [stem(word), word] as const),
  );

  const suggestions = entries
    .map((entry) => scoreEntry(questionWords, entry, triggerKeys, spelling))
    .filter((suggestion): suggestion is Suggestion => suggestion !== undefined)
    .filter((suggestion) => suggestion.score >= minScore)
    .sort((a, b) => b.score - a.score);
  return options.limit === undefined ? suggestions : suggestions.slice(0, options.limit);
}

/** The skill's triggers the question mentions, whole or with their words scattered. */
export function matchedTriggers(skill: Skill, question: string): string[] {
  const questionWords = normalise(question);
  return skill.frontmatter.triggers.filter(
    (trigger) => matchPhrase(questionWords, trigger) !== "none",
  );
}
