module "cert_manager_irsa" {
  source            = "../irsa_role"
  name              = "${var.name}-cert-manager"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer_url   = var.oidc_issuer_url
  namespace         = "cert-manager"
  service_account   = "cert-manager"
  policy_json       = data.aws_iam_policy_document.route53.json
  tags              = var.tags
}

module "external_dns_irsa" {
  source            = "../irsa_role"
  name              = "${var.name}-external-dns"
  oidc_provider_arn = var.oidc_provider_arn
  oidc_issuer_url   = var.oidc_issuer_url
  namespace         = "external-dns"
  service_account   = "external-dns"
  policy_json       = data.aws_iam_policy_document.route53.json
  tags              = var.tags
}

resource "helm_release" "cert_manager" {
  name             = "cert-manager"
  namespace        = "cert-manager"
  create_namespace = true
  repository       = "https://charts.jetstack.io"
  chart            = "cert-manager"
  version          = var.cert_manager_chart_version
  atomic           = true

  values = [yamlencode({
    crds           = { enabled = true }
    serviceAccount = { name = "cert-manager", annotations = { "eks.amazonaws.com/role-arn" = module.cert_manager_irsa.role_arn } }
    # IRSA tokens are read by the controller; it needs fsGroup to read them.
    securityContext = { fsGroup = 1001 }
  })]
}

resource "helm_release" "ingress_nginx" {
  name             = "ingress-nginx"
  namespace        = "ingress-nginx"
  create_namespace = true
  repository       = "https://kubernetes.github.io/ingress-nginx"
  chart            = "ingress-nginx"
  version          = var.ingress_nginx_chart_version
  atomic           = true

  values = [yamlencode({
    controller = {
      replicaCount = 3
      ingressClassResource = {
        name    = "nginx"
        default = true
      }
      # Tenant Ingresses need no certificate of their own: the wildcard serves them.
      extraArgs = { "default-ssl-certificate" = "ingress-nginx/wildcard-tls" }
      config = {
        "ssl-redirect" = "true"
        "hsts"         = "true"
        # The NLB passes client addresses by proxy protocol (rate limits key on them).
        "use-proxy-protocol" = "true"
      }
      service = {
        annotations = {
          "service.beta.kubernetes.io/aws-load-balancer-type"                              = "nlb"
          "service.beta.kubernetes.io/aws-load-balancer-scheme"                            = "internet-facing"
          "service.beta.kubernetes.io/aws-load-balancer-proxy-protocol"                    = "*"
          "service.beta.kubernetes.io/aws-load-balancer-cross-zone-load-balancing-enabled" = "true"
        }
      }
      topologySpreadConstraints = [{
        maxSkew           = 1
        topologyKey       = "topology.kubernetes.io/zone"
        whenUnsatisfiable = "ScheduleAnyway"
        labelSelector     = { matchLabels = { "app.kubernetes.io/component" = "controller" } }
      }]
    }
  })]
}

resource "helm_release" "external_dns" {
  name             = "external-dns"
  namespace        = "external-dns"
  create_namespace = true
  repository       = "https://kubernetes-sigs.github.io/external-dns"
  chart            = "external-dns"
  version          = var.external_dns_chart_version
  atomic           = true

  values = [yamlencode({
    provider       = { name = "aws" }
    serviceAccount = { name = "external-dns", annotations = { "eks.amazonaws.com/role-arn" = module.external_dns_irsa.role_arn } }
    domainFilters  = [var.zone_name]
    # Never delete records it did not create; a TXT registry marks its own.
    policy     = "upsert-only"
    registry   = "txt"
    txtOwnerId = var.name
    sources    = ["ingress"]
  })]
}

# ClusterIssuer (Let's Encrypt, DNS-01 through Route53) and the wildcard
# certificate for tenant hosts, from a chart in this module: plain Helm
# templates avoid needing cert-manager's CRDs at plan time.
resource "helm_release" "issuers" {
  name      = "consorcio-issuers"
  namespace = helm_release.ingress_nginx.namespace
  chart     = "${path.module}/charts/cluster-issuer"
  atomic    = true

  values = [yamlencode({
    acme = {
      server = var.acme_server
      email  = var.acme_email
    }
    route53 = {
      region       = data.aws_region.current.name
      hostedZoneID = local.zone_id
    }
    wildcard = {
      secretName = "wildcard-tls"
      # *.pix.<tenant_domain>: the tenants' PIX webhook hosts (the operator's pixWebhook.domain,
      # docs/deployment.md "PIX webhook host"); a wildcard covers one label only.
      dnsNames = ["*.${var.tenant_domain}", "*.pix.${var.tenant_domain}", var.tenant_domain, var.platform_host]
    }
  })]

  depends_on = [helm_release.cert_manager]
}

data "aws_region" "current" {}
