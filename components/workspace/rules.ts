/**
 * Shapes of the ARM ids, key identifiers and IP ranges the workspace's network and encryption options
 * take, as pure checks: each returns the rule in words when the value breaks it (for the component's
 * ResourceError), or the parts the component needs when it does not.
 */

/** One problem with an argument: which one, its value and the rule it breaks. */
export interface ArgProblem {
    readonly arg: string;
    readonly value: unknown;
    readonly rule: string;
}

const GUID = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
const GROUP = "[-\\w.()]{1,90}";
const SCOPE = `^/subscriptions/(${GUID})/resourceGroups/(${GROUP})/providers/`;

const SUBNET_ID = new RegExp(`${SCOPE}Microsoft\\.Network/virtualNetworks/([-\\w.]{2,64})/subnets/([-\\w.]{1,80})$`, "i");
const KEY_VAULT_ID = new RegExp(`${SCOPE}Microsoft\\.KeyVault/vaults/([a-zA-Z0-9-]{3,24})$`, "i");
const USER_ASSIGNED_IDENTITY_ID = new RegExp(`${SCOPE}Microsoft\\.ManagedIdentity/userAssignedIdentities/([-\\w]{3,128})$`, "i");
/** Key identifiers of Key Vault in the public, China and US Government clouds, with or without a version. */
const KEY_URI = /^https:\/\/([a-zA-Z0-9-]{3,24})\.vault\.(?:azure\.net|azure\.cn|usgovcloudapi\.net)\/keys\/([a-zA-Z0-9-]{1,127})(?:\/([0-9a-fA-F]{32}))?$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})(?:\/(\d{1,2}))?$/;

export const RULES = {
    subnetId: "is not a subnet id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.Network/virtualNetworks/<network>/subnets/<subnet>",
    keyVaultId: "is not a key vault id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.KeyVault/vaults/<vault>",
    identityId: "is not a user-assigned identity id: /subscriptions/<subscription id>/resourceGroups/<group>/providers/Microsoft.ManagedIdentity/userAssignedIdentities/<name>",
    keyUri: "is not a Key Vault key identifier: https://<vault>.vault.azure.net/keys/<key>/<32-character version> (the version may be left out)",
    ipRange: "must be a public IPv4 address or range such as 203.0.113.7 or 203.0.113.0/24 (Azure Storage accepts no private, IPv6, /31 or /32 ranges)",
} as const;

/** The parts of a subnet id the private endpoints need. */
export interface SubnetIdParts {
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    readonly virtualNetworkName: string;
    readonly subnetName: string;
    /** The ARM id of the subnet's virtual network (for the private DNS zone links). */
    readonly virtualNetworkId: string;
}

/** The parts of a subnet id, or undefined when `id` is not one. */
export function parseSubnetId(id: string): SubnetIdParts | undefined {
    const match = SUBNET_ID.exec(id);
    if (!match) {
        return undefined;
    }
    const [, subscriptionId, resourceGroupName, virtualNetworkName, subnetName] = match;
    return {
        subscriptionId,
        resourceGroupName,
        virtualNetworkName,
        subnetName,
        virtualNetworkId: id.slice(0, id.toLowerCase().lastIndexOf("/subnets/")),
    };
}

/** The parts of a key vault id, or undefined when `id` is not one. */
export interface KeyVaultIdParts {
    readonly subscriptionId: string;
    readonly resourceGroupName: string;
    readonly vaultName: string;
}

export function parseKeyVaultId(id: string): KeyVaultIdParts | undefined {
    const match = KEY_VAULT_ID.exec(id);
    return match ? { subscriptionId: match[1], resourceGroupName: match[2], vaultName: match[3] } : undefined;
}

/** The parts of a key identifier, or undefined when `uri` is not one. */
export interface KeyUriParts {
    readonly vaultName: string;
    readonly keyName: string;
    readonly keyVersion: string | undefined;
}

export function parseKeyUri(uri: string): KeyUriParts | undefined {
    const match = KEY_URI.exec(uri);
    return match ? { vaultName: match[1], keyName: match[2], keyVersion: match[3] } : undefined;
}

export function isUserAssignedIdentityId(id: string): boolean {
    return USER_ASSIGNED_IDENTITY_ID.test(id);
}

/**
 * True for an IPv4 address or range that Azure Storage's firewall accepts: public (not 10/8,
 * 172.16/12, 192.168/16), and a range no narrower than /30 (a single address goes without a prefix).
 */
export function isStorageIpRule(value: string): boolean {
    const match = IPV4.exec(value);
    if (!match) {
        return false;
    }
    const octets = match.slice(1, 5).map(Number);
    if (octets.some((octet) => octet > 255)) {
        return false;
    }
    if (match[5] !== undefined && Number(match[5]) > 30) {
        return false;
    }
    const [a, b] = octets;
    const isPrivate = a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
    return !isPrivate;
}

/**
 * The first problem with a customer-managed key setting whose parts are known: the vault id, the key
 * identifier, the key being in that vault, and the identity id. Undefined when all is well.
 */
export function customerManagedKeyProblem(
    vaultId: string | undefined,
    keyUri: string | undefined,
    identityId: string | undefined,
): ArgProblem | undefined {
    const vault = vaultId === undefined ? undefined : parseKeyVaultId(vaultId);
    if (vaultId !== undefined && !vault) {
        return { arg: "customerManagedKeyVaultId", value: vaultId, rule: RULES.keyVaultId };
    }
    const key = keyUri === undefined ? undefined : parseKeyUri(keyUri);
    if (keyUri !== undefined && !key) {
        return { arg: "customerManagedKeyUri", value: keyUri, rule: RULES.keyUri };
    }
    if (vault && key && vault.vaultName.toLowerCase() !== key.vaultName.toLowerCase()) {
        return {
            arg: "customerManagedKeyUri",
            value: keyUri,
            rule: `names a key in vault ${key.vaultName}, not in ${vault.vaultName} (customerManagedKeyVaultId): give the vault that holds the key`,
        };
    }
    if (identityId !== undefined && !isUserAssignedIdentityId(identityId)) {
        return { arg: "customerManagedKeyIdentityId", value: identityId, rule: RULES.identityId };
    }
    return undefined;
}
