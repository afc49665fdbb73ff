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
    let offset = 0;
    while (offset < run.length && words[start + offset] === run[offset]) offset++;
    if (offset === run.length) return true;
  }
  return false;
}

type PhraseMatch = "whole" | "scattered" | "none";

/** A phrase of the skill with everything that does not depend on the question worked out. */
interface PreparedPhrase {
  text: string;
  words: string[];
  content: string[];
  /** The stemmed words joined: phrases equal once stemmed share it. */
  key: string;
}

interface PreparedEntry {
  entry: Superpower;
  /** The entry's phrases then its name, each stemmed form once. */
  phrases: PreparedPhrase[];
  /** Content words of the phrases (not the name), for single shared words. */
  phraseWords: ReadonlySet<string>;
}

interface PreparedSkill {
  entries: PreparedEntry[];
  triggerKeys: ReadonlySet<string>;
  triggers: PreparedPhrase[];
}

function preparePhrase(text: string): PreparedPhrase {
  const words = normalise(text);
  return { text, words, content: contentWords(words), key: words.join(" ") };
}

// A loaded skill never changes, so its phrases are stemmed once rather than on every question.
const preparedSkills = new WeakMap<Skill, PreparedSkill>();

function prepared(skill: Skill): PreparedSkill {
  let ready = preparedSkills.get(skill);
  if (ready) return ready;
  const { frontmatter } = skill;
  const entries = [...frontmatter.superpowers, ...frontmatter.supporting_tools].map((entry) => {
    const seenKeys = new Set<string>();
    const phrases = [...entry.phrases, entry.name]
      .map(preparePhrase)
      // "stale prediction" and "stale predictions" are one phrase once stemmed; count it once.
      .filter((phrase) => !seenKeys.has(phrase.key) && seenKeys.add(phrase.key));
    const phraseWords = new Set(entry.phrases.flatMap((text) => preparePhrase(text).content));
    return { entry, phrases, phraseWords };
  });
  const triggers = frontmatter.triggers.map(preparePhrase);
  ready = { entries, triggers, triggerKeys: new Set(triggers.map((trigger) => trigger.key)) };
  preparedSkills.set(skill, ready);
  return ready;
}

/** The question's stemmed words, in order and as a set. */
interface Question {
  words: readonly string[];
  wordSet: ReadonlySet<string>;
}

function questionOf(words: readonly string[]): Question {
  return { words, wordSet: new Set(words) };
}

function matchPrepared(question: Question, phrase: PreparedPhrase): PhraseMatch {
  // Both kinds of match need every content word; most phrases fail here, cheaply.
  for (const word of phrase.content) if (!question.wordSet.has(word)) return "none";
  if (containsRun(question.words, phrase.words)) return "whole";
  return phrase.content.length > 1 ? "scattered" : "none";
}

/**
 * "whole": the phrase's words appear together and in order. "scattered": all its content words
 * appear somewhere in the question ("latency of inference" for "inference latency").
 */
export function matchPhrase(questionWords: readonly string[], phrase: string): PhraseMatch {
  return matchPrepared(questionOf(questionWords), preparePhrase(phrase));
}

/**
 * Longer phrases say more: a whole three-word phrase weighs 1.5, a single word 1. The card's
 * triggers are what hosts route on, so a phrase that is also a trigger weighs a quarter more.
 */
function phraseWeight(phrase: PreparedPhrase, match: PhraseMatch, isTrigger: boolean): number {
  const length = Math.min(phrase.words.length, 3);
  const whole = (1 + 0.25 * (length - 1)) * (isTrigger ? 1.25 : 1);
  return match === "whole" ? whole : 0.75 * whole;
}

const sharedWordWeight = 0.2;

function scoreEntry(
  question: Question,
  { entry, phrases, phraseWords }: PreparedEntry,
  triggerKeys: ReadonlySet<string>,
  spelling: ReadonlyMap<string, string>,
): Suggestion | undefined {
  let raw = 0;
  const matched: string[] = [];
  const covered = new Set<string>();

  for (const phrase of phrases) {
    const match = matchPrepared(question, phrase);
    if (match === "none") continue;
    raw += phraseWeight(phrase, match, triggerKeys.has(phrase.key));
    if (phrase.text !== entry.name) matched.push(phrase.text);
    for (const word of phrase.words) covered.add(word);
  }

  // Single shared words count once each, however many phrases contain them, so one common
  // word ("index") cannot carry a tool on its own.
  const shared = contentWords([...question.wordSet]).filter(
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
  const asked = questionOf(normalise(question));
  const { entries, triggerKeys } = prepared(skill);
  // Reasons quote the user's own spelling, not the stems.
  const spelling = new Map(
    question
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word.length > 0)
      .map((word) => [stem(word), word] as const),
  );

  const suggestions = entries
    .map((entry) => scoreEntry(asked, entry, triggerKeys, spelling))
    .filter((suggestion): suggestion is Suggestion => suggestion !== undefined)
    .filter((suggestion) => suggestion.score >= minScore)
    .sort((a, b) => b.score - a.score);
  return options.limit === undefined ? suggestions : suggestions.slice(0, options.limit);
}

/** The skill's triggers the question mentions, whole or with their words scattered. */
export function matchedTriggers(skill: Skill, question: string): string[] {
  const asked = questionOf(normalise(question));
  return prepared(skill)
    .triggers.filter((trigger) => matchPrepared(asked, trigger) !== "none")
    .map((trigger) => trigger.text);
}
