// pg ships no types for its utils module; these two functions are all this project uses of it.
declare module "pg/lib/utils.js" {
  const utils: {
    escapeIdentifier(name: string): string;
    escapeLiteral(value: string): string;
  };
  export default utils;
}
