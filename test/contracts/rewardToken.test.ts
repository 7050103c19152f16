import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { network } from "hardhat";
import { domainSeparator, getAddress, parseSignature, type Hex } from "viem";
import { rewardTokenAbi } from "../../src/chain/abis.ts";
import { deploy, E18, ZERO_ADDRESS } from "./fixtures.ts";
import type { NetworkConnection } from "hardhat/types/network";
import type { WalletClient } from "@nomicfoundation/hardhat-viem/types";

const { networkHelpers } = await network.create();

async function deployToken(connection: NetworkConnection) {
  const { viem } = connection;
  const wallets = await viem.getWalletClients();
  const [owner, alice, bob] = wallets;
  const token = await deploy(connection, "RewardToken", rewardTokenAbi, [owner.account.address]);
  const chainId = await (await viem.getPublicClient()).getChainId();
  return { viem, token, owner, alice, bob, chainId };
}
const load = () => networkHelpers.loadFixture(deployToken);
type F = Awaited<ReturnType<typeof deployToken>>;

const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

async function signPermit(f: F, signer: WalletClient, owner: WalletClient, spender: WalletClient, value: bigint, nonce: bigint, deadline: bigint) {
  const signature: Hex = await signer.signTypedData({
    account: signer.account,
    domain: { name: "2PM Reward", version: "1", chainId: f.chainId, verifyingContract: f.token.address },
    types: permitTypes,
    primaryType: "Permit",
    message: { owner: owner.account.address, spender: spender.account.address, value, nonce, deadline },
  });
  const { r, s, v } = parseSignature(signature);
  return { r, s, v: Number(v) };
}

describe("RewardToken", () => {
  it("has the expected metadata and owner", async () => {
    const f = await load();
    assert.equal(await f.token.read.name(), "2PM Reward");
    assert.equal(await f.token.read.symbol(), "TPM");
    assert.equal(await f.token.read.decimals(), 18);
    assert.equal(await f.token.read.totalSupply(), 0n);
    assert.equal(await f.token.read.owner(), getAddress(f.owner.account.address));
  });

  it("mint by the owner credits the recipient and emits Transfer from zero", async () => {
    const f = await load();
    const tx = await f.token.write.mint([f.alice.account.address, 5n * E18]);
    await f.viem.assertions.emitWithArgs(tx, f.token, "Transfer", [ZERO_ADDRESS, getAddress(f.alice.account.address), 5n * E18]);
    assert.equal(await f.token.read.balanceOf([f.alice.account.address]), 5n * E18);
    assert.equal(await f.token.read.totalSupply(), 5n * E18);
  });

  it("mint by anyone else reverts with OwnableUnauthorizedAccount", async () => {
    const f = await load();
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.alice.account.address, 1n], { account: f.alice.account }),
      f.token,
      "OwnableUnauthorizedAccount",
      [getAddress(f.alice.account.address)],
    );
  });

  it("ownership moves with transferOwnership and ends with renounceOwnership", async () => {
    const f = await load();
    const tx = await f.token.write.transferOwnership([f.alice.account.address]);
    await f.viem.assertions.emitWithArgs(tx, f.token, "OwnershipTransferred", [getAddress(f.owner.account.address), getAddress(f.alice.account.address)]);
    await f.token.write.mint([f.bob.account.address, 1n], { account: f.alice.account });
    assert.equal(await f.token.read.balanceOf([f.bob.account.address]), 1n);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.bob.account.address, 1n]),
      f.token,
      "OwnableUnauthorizedAccount",
      [getAddress(f.owner.account.address)],
    );
    await f.token.write.renounceOwnership({ account: f.alice.account });
    assert.equal(await f.token.read.owner(), ZERO_ADDRESS);
    await f.viem.assertions.revertWithCustomErrorWithArgs(
      f.token.write.mint([f.bob.account.address, 1n], { account: f.alice.account }),
      f.token,
      "OwnableUnauthorizedAccount",
      [getAddress(f.alice.account.address)],
    );
  });

  it("permit sets an allowance from an EIP-712 signature, bumps the nonce and lets the spender pull", async () => {
    const f = await load();
    await f.token.write.mint([f.alice.account.address, 10n * E18]);
    const expected = domainSeparator({ domain: { name: "2PM Reward", version: "1", chainId: f.chainId, verifyingContract: f.token.address } });
    assert.equal(await f.token.read.DOMAIN_SEPARATOR(), expected);
    const deadline = 2n ** 40n;
    const { v, r, s } = await signPermit(f, f.alice, f.alice, f.bob, 3n * E18, 0n, deadline);
    // Anyone can relay the permit (here: the owner of the token contract).
    const tx = await f.token.write.permit([f.alice.account.address, f.bob.account.address, 3n * E18, deadline, v, r, s]);
    await f.viem.assertions.emitWithArgs(tx, f.token, "Approval", [getAddress(f.alice.account.address), getAddress(f.bob.account.address), 3n * E18]);
    assert.equal(await f.token.read.allowance([f.alice.account.address, f.bob.account.address]), 3n * E18);
    assert.equal(await f.token.read.nonces([f.alice.account.address]), 1n);
    await f.token.write.transferFrom([f.alice.account.address, f.bob.account.address, 3n * E18], { account: f.bob.account });
    assert.equal(await f.token.read.balanceOf([f.bob.account.address]), 3n * E18);
    assert.equal(await f.token.read.allowance([f.alice.account.address, f.bob.account.address]), 0n);
  });

  it("permit reverts for an expired deadline, a wrong signer and a replayed signature", async () => {
    const f = await load();
    const { assertions } = f.viem;
    const past = 1n;
    const expired = await signPermit(f, f.alice, f.alice, f.bob, 1n, 0n, past);
    await assertions.revertWithCustomErrorWithArgs(
      f.token.write.permit([f.alice.account.address, f.bob.account.address, 1n, past, expired.v, expired.r, expired.s]),
      f.token,
      "ERC2612ExpiredSignature",
      [past],
    );
    const deadline = 2n ** 40n;
    const forged = await signPermit(f, f.bob, f.alice, f.bob, 1n, 0n, deadline);
    await assertions.revertWithCustomErrorWithArgs(
      f.token.write.permit([f.alice.account.address, f.bob.account.address, 1n, deadline, forged.v, forged.r, forged.s]),
      f.token,
      "ERC2612InvalidSigner",
      [getAddress(f.bob.account.address), getAddress(f.alice.account.address)],
    );
    const good = await signPermit(f, f.alice, f.alice, f.bob, 1n, 0n, deadline);
    await f.token.write.permit([f.alice.account.address, f.bob.account.address, 1n, deadline, good.v, good.r, good.s]);
    // The nonce moved on, so the same signature now recovers to some other address.
    await assertions.revertWithCustomError(
      f.token.write.permit([f.alice.account.address, f.bob.account.address, 1n, deadline, good.v, good.r, good.s]),
      f.token,
      "ERC2612InvalidSigner",
    );
    assert.equal(await f.token.read.nonces([f.alice.account.address]), 1n);
  });
});
