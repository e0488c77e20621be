pragma circom 2.1.0;

// Withdrawal with subset membership (the subset design of ppfarm's seeds 002/004).
//
// A deposit of secret s for an asset stamps its commitment with the asset's metadata and appends it to a fixed-depth
// deposit tree (zero leaf keccak256("empty") mod p). An access list (allow list or block list) is a tree of the same
// depth, indexed by deposit index, whose leaf is ALLOWED = keccak256("allowed") mod p where the deposit may withdraw.
// A withdrawal proves, without revealing which deposit it spends:
//   C  = Poseidon(s)                     raw commitment
//   C' = Poseidon(C, assetMetadata)      stamped commitment, a leaf of `root` at `index`
//   nullifier = Poseidon(s, 1, index)    published, spent once
//   ALLOWED is the leaf of `subsetRoot` at the same `index` (both proofs share the index path)
//   withdrawMetadata is bound to the proof (squared in a constraint; it carries recipient, relayer and fee).
// Public signals: root, subsetRoot, nullifier, assetMetadata, withdrawMetadata.
//
// The keys made by ppfarm's tests come from a development setup; production needs a trusted-setup ceremony.

include "circomlib/circuits/poseidon.circom";
include "circomlib/circuits/bitify.circom";
include "circomlib/circuits/mux1.circom";

// Root of a fixed-depth Poseidon(2) Merkle tree from a leaf, its path bits (bit l = 1: right child at level l) and
// its siblings from the leaf up.
template MerkleRoot(levels) {
    signal input leaf;
    signal input pathBits[levels];
    signal input siblings[levels];
    signal output root;

    component order[levels];
    component hash[levels];
    signal node[levels + 1];
    node[0] <== leaf;
    for (var l = 0; l < levels; l++) {
        // bit 0: (node, sibling); bit 1: (sibling, node)
        order[l] = MultiMux1(2);
        order[l].c[0][0] <== node[l];
        order[l].c[0][1] <== siblings[l];
        order[l].c[1][0] <== siblings[l];
        order[l].c[1][1] <== node[l];
        order[l].s <== pathBits[l];
        hash[l] = Poseidon(2);
        hash[l].inputs[0] <== order[l].out[0];
        hash[l].inputs[1] <== order[l].out[1];
        node[l + 1] <== hash[l].out;
    }
    root <== node[levels];
}

template SubsetWithdraw(levels, allowed) {
    // public
    signal input root;
    signal input subsetRoot;
    signal input nullifier;
    signal input assetMetadata;
    signal input withdrawMetadata;
    // private
    signal input secret;
    signal input index;
    signal input mainProof[levels];
    signal input subsetProof[levels];

    component raw = Poseidon(1);
    raw.inputs[0] <== secret;
    component stamped = Poseidon(2);
    stamped.inputs[0] <== raw.out;
    stamped.inputs[1] <== assetMetadata;

    component nullifierHash = Poseidon(3);
    nullifierHash.inputs[0] <== secret;
    nullifierHash.inputs[1] <== 1;
    nullifierHash.inputs[2] <== index;
    nullifier === nullifierHash.out;

    // one decomposition of the index drives both paths; it also bounds index below 2^levels
    component path = Num2Bits(levels);
    path.in <== index;

    component deposit = MerkleRoot(levels);
    deposit.leaf <== stamped.out;
    deposit.pathBits <== path.out;
    deposit.siblings <== mainProof;
    root === deposit.root;

    component subset = MerkleRoot(levels);
    subset.leaf <== allowed;
    subset.pathBits <== path.out;
    subset.siblings <== subsetProof;
    subsetRoot === subset.root;

    signal withdrawMetadataSquared;
    withdrawMetadataSquared <== withdrawMetadata * withdrawMetadata;
}

// allowed = keccak256("allowed") mod p (SubsetValues.ALLOWED); depth 20: 2^20 deposits.
component main {public [root, subsetRoot, nullifier, assetMetadata, withdrawMetadata]} =
    SubsetWithdraw(20, 11954255677048767585730959529592939615262310191150853775895456173962480955685);
