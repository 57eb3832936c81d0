# The consorcio operator's Vault policy (issue 20, item 4): what its token may do, and no more.
# Installed by the SRE (docs/deployment.md: `vault policy write consorcio-operator <this file>`) and
# tested against a real Vault by tests/k8s/tenant_operator/test_operator_vault_policy.py.
#
# The operator writes each tenant's KV data, a policy `tenant-<name>` and a Kubernetes-auth role
# `tenant-<name>`. The role is constrained parameter by parameter: it can only let the ServiceAccount
# `tenant-app` of a `tenant-*` namespace log in, only with tokens minted for the `vault` audience,
# and only attach `tenant-*` policies. So the token cannot bind anything to its own or another
# team's ServiceAccount, nor hand out the platform's policies.
#
# Known limit: Vault cannot constrain a policy's *content* (allowed_parameters globs only match a
# value's start or end), so this token can still write a `tenant-*` policy with any rule in it.
# Closing that needs one templated policy keyed on the login's namespace, i.e. tenant KV paths
# keyed on the namespace (`tenant-<name>`) instead of `tenants/<name>` (docs/security.md).

path "secret/data/tenants/*" {
  capabilities = ["create", "read", "update", "delete"]
}

path "secret/metadata/tenants/*" {
  capabilities = ["read", "update", "delete", "list"]
}

# The platform's SMTP relay (vault.smtpPath, Amazon SES in production), copied into tenants' SMTP_*.
path "secret/data/consorcio/smtp" {
  capabilities = ["read"]
}

path "sys/policy/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
}

path "sys/policies/acl/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
}

path "auth/kubernetes/role/tenant-*" {
  capabilities = ["create", "read", "update", "delete"]
  allowed_parameters = {
    "bound_service_account_names"      = ["tenant-app"]
    "bound_service_account_namespaces" = ["tenant-*"]
    "audience"                         = ["vault"]
    "policies"                         = ["tenant-*"]
    "token_policies"                   = ["tenant-*"]
    "ttl"                              = []
    "max_ttl"                          = []
    "token_ttl"                        = []
    "token_max_ttl"                    = []
  }
}
