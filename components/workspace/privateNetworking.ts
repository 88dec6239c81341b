/**
 * Private endpoints for a workspace and its storage account and key vault, with the private DNS zones
 * that make their names resolve to the endpoints inside the virtual network.
 *
 * A helper of MlWorkspace, not a component: the resources it makes are the workspace component's
 * children (`{ parent }`), named from the component's name.
 */
import * as pulumi from "@pulumi/pulumi";
import * as network from "@pulumi/azure-native/network";
import * as privatedns from "@pulumi/azure-native/privatedns";

/**
 * The private DNS zones of each private link sub-resource (Azure public cloud), as Azure's "private
 * endpoint DNS configuration" lists them. The workspace needs two: its API and its notebooks.
 */
export const PRIVATE_DNS_ZONES = {
    api: "privatelink.api.azureml.ms",
    notebooks: "privatelink.notebooks.azure.net",
    blob: "privatelink.blob.core.windows.net",
    file: "privatelink.file.core.windows.net",
    vault: "privatelink.vaultcore.azure.net",
} as const;

type ZoneKey = keyof typeof PRIVATE_DNS_ZONES;

/**
 * The private endpoints made, by role: the private link group each connects to, its zones, and the
 * endpoint it waits for (two endpoints to one storage account at once can collide in Azure, so the
 * second follows the first).
 */
export const PRIVATE_ENDPOINTS = {
    workspace: { groupId: "amlworkspace", zones: ["api", "notebooks"], after: undefined },
    blob: { groupId: "blob", zones: ["blob"], after: undefined },
    file: { groupId: "file", zones: ["file"], after: "blob" },
    vault: { groupId: "vault", zones: ["vault"], after: undefined },
} as const satisfies Record<string, { groupId: string; zones: readonly ZoneKey[]; after: string | undefined }>;

export type PrivateEndpointRole = keyof typeof PRIVATE_ENDPOINTS;

export interface PrivateNetworkingArgs {
    /** The component's name, the prefix of every logical name. */
    readonly name: string;
    /** The workspace name, the stem of the Azure names. */
    readonly workspaceName: string;
    readonly resourceGroupName: pulumi.Input<string>;
    /** The endpoints' region: the region of the subnet's virtual network. */
    readonly location: pulumi.Input<string>;
    readonly tags: pulumi.Input<Record<string, pulumi.Input<string>>> | undefined;
    readonly subnetId: pulumi.Input<string>;
    /** The virtual network the DNS zones are linked to. */
    readonly virtualNetworkId: pulumi.Input<string>;
    /** The ARM id each endpoint connects to, and what it must wait for besides. */
    readonly targets: Record<PrivateEndpointRole, { id: pulumi.Input<string>; dependsOn?: pulumi.Resource[] }>;
    readonly parent: pulumi.Resource;
}

/** The Azure name of a private endpoint: `pe-<workspace>-<group>`, 2-64 characters for any valid workspace name. */
export function privateEndpointName(workspaceName: string, role: PrivateEndpointRole): string {
    return `pe-${workspaceName}-${PRIVATE_ENDPOINTS[role].groupId}`;
}

/** The name of each zone's link to the virtual network (unique within the zone). */
export function virtualNetworkLinkName(workspaceName: string): string {
    return `link-${workspaceName}`;
}

/**
 * Creates the zones, their links to the virtual network, the endpoints and their DNS zone groups
 * (which register each endpoint's private address in its zones). Returns the endpoints by role.
 */
export function createPrivateNetworking(args: PrivateNetworkingArgs): Record<PrivateEndpointRole, network.PrivateEndpoint> {
    const childOpts = { parent: args.parent };
    const zones = {} as Record<ZoneKey, privatedns.PrivateZone>;
    for (const [key, zoneName] of Object.entries(PRIVATE_DNS_ZONES) as Array<[ZoneKey, string]>) {
        const zone = new privatedns.PrivateZone(`${args.name}-dns-${key}`, {
            resourceGroupName: args.resourceGroupName,
            privateZoneName: zoneName,
            // Private DNS zones are global resources.
            location: "global",
            tags: args.tags,
        }, childOpts);
        new privatedns.VirtualNetworkLink(`${args.name}-dns-${key}-link`, {
            resourceGroupName: args.resourceGroupName,
            privateZoneName: zoneName,
            virtualNetworkLinkName: virtualNetworkLinkName(args.workspaceName),
            location: "global",
            virtualNetwork: { id: args.virtualNetworkId },
            // The zone holds the endpoints' records only; VMs in the network do not register themselves.
            registrationEnabled: false,
            tags: args.tags,
        }, { ...childOpts, dependsOn: [zone] });
        zones[key] = zone;
    }

    const endpoints = {} as Record<PrivateEndpointRole, network.PrivateEndpoint>;
    for (const [role, spec] of Object.entries(PRIVATE_ENDPOINTS) as Array<[PrivateEndpointRole, typeof PRIVATE_ENDPOINTS[PrivateEndpointRole]]>) {
        const endpointName = privateEndpointName(args.workspaceName, role);
        const target = args.targets[role];
        const endpoint = new network.PrivateEndpoint(`${args.name}-pe-${role}`, {
            resourceGroupName: args.resourceGroupName,
            location: args.location,
            privateEndpointName: endpointName,
            subnet: { id: args.subnetId },
            privateLinkServiceConnections: [{
                name: endpointName,
                privateLinkServiceId: target.id,
                groupIds: [spec.groupId],
            }],
            tags: args.tags,
        }, {
            ...childOpts,
            dependsOn: [...(target.dependsOn ?? []), ...(spec.after !== undefined ? [endpoints[spec.after]] : [])],
        });
        new network.PrivateDnsZoneGroup(`${args.name}-pe-${role}-dns`, {
            resourceGroupName: args.resourceGroupName,
            privateEndpointName: endpointName,
            privateDnsZoneGroupName: "default",
            privateDnsZoneConfigs: spec.zones.map((key) => ({
                name: PRIVATE_DNS_ZONES[key].replace(/\./g, "-"),
                privateDnsZoneId: zones[key].id,
            })),
        }, { ...childOpts, dependsOn: [endpoint] });
        endpoints[role] = endpoint;
    }
    return endpoints;
}
