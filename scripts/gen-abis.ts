// Regenerates src/chain/abis.ts and src/chain/constants.ts from the Hardhat artifacts (run by `npm run build`), so
// neither the ABIs nor the values the contracts own (constants, enum members) are ever hand-copied;
// test/unit/chain/generated.test.ts fails when the committed files are out of date. Deterministic: the same
// artifacts give the same bytes (sources, declarations and enums in source order).
import { readdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");
const contracts = ["DatasetIndex", "TrainingTasks", "FheCommittees", "RewardToken"] as const;
/** Only our own sources: not OpenZeppelin, mocks or Solidity tests compiled in the same job. */
const OWN_SOURCES = "project/contracts/";

type Artifact = { abi: unknown[]; buildInfoId: string };
const readArtifact = async (name: string): Promise<Artifact> =>
  JSON.parse(await readFile(path.join(root, "artifacts/contracts", `${name}.sol`, `${name}.json`), "utf8"));

export async function renderAbis(): Promise<string> {
  let out = "// Generated from the Hardhat artifacts by scripts/gen-abis.ts (npm run build). Do not edit.\n";
  for (const name of contracts) {
    const artifact = await readArtifact(name);
    const varName = name[0].toLowerCase() + name.slice(1) + "Abi";
    out += `\nexport const ${varName} = ${JSON.stringify(artifact.abi, null, 2)} as const;\n`;
  }
  return out;
}

type AstNode = { nodeType?: string; [key: string]: unknown };

/** SCREAMING_SNAKE for an enum name (TaskStatus → TASK_STATUS); constants keep their name without the `_` prefix. */
const screaming = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();

/** A constant's value when the compiler folded it (literals, arithmetic on literals) or it is type(uintN).max/min. */
function constantValue(decl: AstNode): bigint {
  const value = decl.value as AstNode & { typeDescriptions: { typeString: string } };
  const folded = /^int_const (-?\d+)$/.exec(value.typeDescriptions.typeString);
  if (folded) return BigInt(folded[1]);
  const expr = value.expression as AstNode | undefined;
  const typeArg = (expr?.arguments as AstNode[] | undefined)?.[0] as { typeName?: { name?: string } } | undefined;
  const bits = /^(u?)int(\d*)$/.exec(typeArg?.typeName?.name ?? "");
  if (value.nodeType === "MemberAccess" && bits && (value.memberName === "max" || value.memberName === "min")) {
    const size = BigInt(bits[2] || 256);
    if (bits[1]) return value.memberName === "max" ? (1n << size) - 1n : 0n;
    return value.memberName === "max" ? (1n << (size - 1n)) - 1n : -(1n << (size - 1n));
  }
  throw new Error(`gen-abis: cannot evaluate the constant ${String(decl.name)}: teach scripts/gen-abis.ts its expression`);
}

/** Integer types of up to 48 bits are numbers in viem, wider ones bigints: the constants follow the same rule. */
const isNumberType = (typeString: string) => /^u?int(8|16|24|32|40|48)$/.test(typeString);

/**
 * src/chain/constants.ts: every `constant` and enum declared in contracts/ (the compiler's AST in the build info of
 * the artifacts above), so the library, the CLI and the indexer read the contract's rules instead of retyping them.
 */
export async function renderConstants(): Promise<string> {
  // Each source's AST from the build its own artifact points to: a build info left from an earlier compilation (of
  // a contract that did not change since) also holds stale copies of the sources compiled with it then.
  const sources = new Map<string, AstNode>();
  const buildInfos = new Map<string, Record<string, { ast: AstNode }>>();
  for (const file of (await readdir(path.join(root, "artifacts/contracts"), { recursive: true })).sort()) {
    if (!file.endsWith(".json")) continue;
    const { inputSourceName, buildInfoId } = JSON.parse(await readFile(path.join(root, "artifacts/contracts", file), "utf8")) as Artifact & { inputSourceName: string };
    if (!inputSourceName?.startsWith(OWN_SOURCES) || sources.has(inputSourceName)) continue;
    if (!buildInfos.has(buildInfoId)) {
      const buildInfo = JSON.parse(await readFile(path.join(root, "artifacts/build-info", `${buildInfoId}.output.json`), "utf8"));
      buildInfos.set(buildInfoId, buildInfo.output.sources);
    }
    sources.set(inputSourceName, buildInfos.get(buildInfoId)![inputSourceName].ast);
  }
  const lines: string[] = [];
  const seen = new Map<string, string>();
  const declare = (name: string, where: string, text: string) => {
    if (seen.has(name)) throw new Error(`gen-abis: ${name} is declared in both ${seen.get(name)} and ${where}: rename one`);
    seen.set(name, where);
    lines.push(text);
  };
  const visit = (node: unknown, container: string, sourceName: string): void => {
    if (Array.isArray(node)) return node.forEach((n) => visit(n, container, sourceName));
    if (!node || typeof node !== "object") return;
    const n = node as AstNode;
    if (n.nodeType === "ContractDefinition") container = n.name as string;
    if (n.nodeType === "EnumDefinition") {
      const name = n.name as string;
      const members = (n.members as { name: string }[]).map((m) => m.name);
      declare(name, `${container}.${name}`, `/** ${container}.${name} (${sourceName.slice(OWN_SOURCES.length)}): member names by value. */\n` +
        `export const ${screaming(name)} = ${JSON.stringify(members)} as const;\nexport type ${name}Name = (typeof ${screaming(name)})[number];\n`);
    }
    const typeString = (n.typeDescriptions as { typeString?: string } | undefined)?.typeString ?? "";
    // Integer constants only (what TypeScript code compares against); hashes and strings stay in Solidity.
    if (n.nodeType === "VariableDeclaration" && n.constant === true && /^u?int\d*$/.test(typeString)) {
      const name = (n.name as string).replace(/^_+/, "");
      const value = constantValue(n);
      declare(name, `${container}.${n.name as string}`, `/** ${container}.${n.name as string} (${sourceName.slice(OWN_SOURCES.length)}, ${typeString}). */\n` +
        `export const ${name} = ${isNumberType(typeString) ? String(value) : `${value}n`};\n`);
    }
    for (const [key, child] of Object.entries(n)) if (key !== "value" && child && typeof child === "object") visit(child, container, sourceName);
  };
  for (const sourceName of [...sources.keys()].sort()) visit(sources.get(sourceName), "", sourceName);
  return "// Generated from the compiler's AST (Hardhat build info) by scripts/gen-abis.ts (npm run build). Do not edit.\n" +
    "// The contracts' constants and enums, so no other file retypes them.\n\n" + lines.join("\n");
}

if (import.meta.main) {
  await writeFile(path.join(root, "src/chain/abis.ts"), await renderAbis());
  await writeFile(path.join(root, "src/chain/constants.ts"), await renderConstants());
  console.log("wrote src/chain/abis.ts and src/chain/constants.ts");
}
