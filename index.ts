/**
 * The DP-100 lab stack: builds the lab from the validated config and exports what the learner needs
 * as stack outputs (stack.ts). No resource logic lives here (see components/).
 */
import { defineLabStack, labStackOutputs } from "./stack";

export = labStackOutputs(defineLabStack());
