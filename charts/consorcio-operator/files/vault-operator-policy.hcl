# The consorcio operator's Vault policy (issue 20, item 4): what its token may do, and no more.
# Installed by the SRE (docs/deployment.md: `vault policy write consorcio-operator <this file>`) and
# tested against a real Vault by tests/k8s/tenant_operator/test_operator_vault_policy.py.
#
# The operator writes each tenant's KV data under `namespaces/tenant-<name>/` and a Kubernetes-auth
# role `tenant-<name>`. It writes no policy: every tenant role attaches the one shared policy
# `consorcio-tenant` (vault-tenant-policy.hcl, installed by the SRE), templated on the ServiceAccount
# namespace Vault's Kubernetes auth verified at login, so a tenant's login reaches only
# `namespaces/<its namespace>/`. The role is constrained parameter by parameter: only the
# ServiceAccount `tenant-app` of a `tenant-*` namespace, only tokens minted for the `vault` audience,
# only the policy `consorcio-tenant`. So the token can neither write a policy with any content, nor
# bind anything to its own or another team's ServiceAccount, nor hand out the platform's policies.
#
# Each tenant also has a key `tenant-<name>` in the Transit engine (issue 20, item 8), which the
# operator creates, keeps configured and destroys under deletionPolicy Delete; it never wraps, exports
# or backs up a key, and reads no tenant's data key except to move it during a restore.

path "secret/data/namespaces/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
}

path "secret/metadata/namespaces/tenant-*" {
  capabilities = ["read", "update", "delete", "list"]
}

# Before the shared policy, tenants' secrets lived under `tenants/<name>/`: the operator moves them to
# their namespace folder (read, then delete), and may no longer create anything there.
path "secret/data/tenants/*" {
  capabilities = ["read", "delete"]
}

path "secret/metadata/tenants/*" {
  capabilities = ["read", "delete", "list"]
}

# ...and deletes the per-tenant policy `tenant-<name>` it used to write, with the move or the
# tenant's deletion. Delete only: it can remove such a policy, never write or read one.
path "sys/policies/acl/tenant-*" {
  capabilities = ["delete"]
}

path "sys/policy/tenant-*" {
  capabilities = ["delete"]
}

# The platform's SMTP relay (vault.smtpPath, Amazon SES in production), copied into tenants' SMTP_*.
path "secret/data/consorcio/smtp" {
  capabilities = ["read"]
}

# The tenant's Transit key: created (aes256-gcm96, never exportable nor backed up in plaintext), read
# once a pass, its configuration put back (`config`: deletion refused, the rotation period, every
# version decrypting), deleted under deletionPolicy Delete (after `config` deletion_allowed=true).
# A glob reaches the key's sub-paths too (`config`, `rotate`, `trim`), so the parameters are pinned:
# no exportable or plaintext-backup key, no other type, and no `min_available_version` (`trim`, which
# destroys old versions for good). `rotate` (no parameter) remains, like the automatic rotation.
path "transit/keys/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "type"                   = ["aes256-gcm96"]
    "exportable"             = [false]
    "allow_plaintext_backup" = [false]
    "auto_rotate_period"     = []
    "deletion_allowed"       = []
    "min_decryption_version" = []
    "min_encryption_version" = []
  }
}

# spec.restoreFrom of another tenant's backup: the data keys in the restored `chaves_dados_pessoais`
# are wrapped by the source's key; the operator unwraps each with it and wraps it with the target's.
path "transit/decrypt/tenant-*" {
  capabilities = ["update"]
}

path "transit/encrypt/tenant-*" {
  capabilities = ["update"]
}

path "auth/kubernetes/role/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "bound_service_account_names"      = ["tenant-app"]
    "bound_service_account_namespaces" = ["tenant-*"]
    "audience"                         = ["vault"]
    "policies"                         = ["consorcio-tenant"]
    "token_policies"                   = ["consorcio-tenant"]
    "ttl"                              = []
    "max_ttl"                          = []
    "token_ttl"                        = []
    "token_max_ttl"                    = []
  }
}
