// The little of Node.js the smoke program uses, declared here rather than pinning @types/node.
declare const process: { argv: string[]; exitCode?: number };
declare module "node:fs" {
  export function readFileSync(path: string, encoding: "utf8"): string;
}
