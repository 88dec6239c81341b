/**
 * The pack's entry point, the only place that builds the PolicyPack (which starts the gRPC server the
 * Pulumi CLI talks to): `pulumi preview --policy-pack policy` from the project root.
 */
import { PolicyPack } from "@pulumi/policy";
import { POLICIES, POLICY_PACK_NAME } from "./policies";

new PolicyPack(POLICY_PACK_NAME, {
    description: "DP-100 lab: mandatory security fundamentals, advisory cost and access choices.",
    policies: [...POLICIES],
});
