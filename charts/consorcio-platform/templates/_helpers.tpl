{{/* Chart name, overridable. */}}
{{- define "consorcio-platform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: release-chart unless the release already carries the chart name. */}}
{{- define "consorcio-platform.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "consorcio-platform.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Selector labels of one component (api, worker, beat, migrate): never change on upgrade. */}}
{{- define "consorcio-platform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "consorcio-platform.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end }}

{{/* Standard labels; pass (dict "root" $ "component" "api"). */}}
{{- define "consorcio-platform.labels" -}}
helm.sh/chart: {{ include "consorcio-platform.chart" .root }}
{{ include "consorcio-platform.selectorLabels" . }}
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
app.kubernetes.io/part-of: consorcio
{{- end }}

{{- define "consorcio-platform.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "consorcio-platform.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "consorcio-platform.migrateServiceAccountName" -}}
{{- printf "%s-migrate" (include "consorcio-platform.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Image reference: a digest pins the image and wins over the tag. */}}
{{- define "consorcio-platform.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* File the Vault agent renders; the containers source it before exec-ing Python. */}}
{{- define "consorcio-platform.vaultEnvFile" -}}/vault/secrets/control-plane.env{{- end }}

{{/*
Pod annotations that make the Vault Agent injector render the two URLs into
an env file, each value single-quoted for the shell. pre-populate-only: the values are read once at start, and a
sidecar would keep the migration Job from ever completing.
*/}}
{{- define "consorcio-platform.vaultAnnotations" -}}
{{- if eq .Values.secrets.source "vault" }}
vault.hashicorp.com/agent-inject: "true"
vault.hashicorp.com/agent-pre-populate-only: "true"
vault.hashicorp.com/role: {{ .Values.secrets.vault.role | quote }}
vault.hashicorp.com/agent-inject-secret-control-plane.env: {{ .Values.secrets.vault.secretPath | quote }}
vault.hashicorp.com/agent-inject-template-control-plane.env: |
  {{ printf "{{- with secret %q -}}" .Values.secrets.vault.secretPath }}
  export CONTROL_PLANE_DATABASE_URL='{{ `{{ .Data.data.database_url | replaceAll "'" "'\\''" }}` }}'
  export CONTROL_PLANE_REDIS_URL='{{ `{{ .Data.data.redis_url | replaceAll "'" "'\\''" }}` }}'
  {{ `{{- end }}` }}
{{- with .Values.secrets.vault.annotations }}
{{ toYaml . }}
{{- end }}
{{- end }}
{{- end }}

{{/*
command, args and env of a control-plane container.
Pass (dict "root" $ "args" (list "serve" ...)).
With Vault the URLs arrive as a file, so a shell sources it and then execs
the same `python -m control_plane ...` command.
*/}}
{{- define "consorcio-platform.commandAndEnv" -}}
{{- $root := .root }}
{{- if eq $root.Values.secrets.source "vault" }}
command: ["/bin/sh", "-c"]
args:
  - {{ printf ". %s && exec python -m control_plane %s" (include "consorcio-platform.vaultEnvFile" $root) (join " " .args) | quote }}
{{- else }}
command: ["python", "-m", "control_plane"]
args: {{ toJson .args }}
{{- end }}
env:
  {{- if eq $root.Values.secrets.source "existingSecret" }}
  - name: CONTROL_PLANE_DATABASE_URL
    valueFrom:
      secretKeyRef:
        name: {{ $root.Values.secrets.existingSecret.name }}
        key: {{ $root.Values.secrets.existingSecret.databaseUrlKey }}
  - name: CONTROL_PLANE_REDIS_URL
    valueFrom:
      secretKeyRef:
        name: {{ $root.Values.secrets.existingSecret.name }}
        key: {{ $root.Values.secrets.existingSecret.redisUrlKey }}
  {{- end }}
  - name: CONTROL_PLANE_REQUIRE_TOTP_FOR_ADMINS
    value: {{ $root.Values.auth.requireTotpForAdmins | toString | quote }}
  # The root filesystem is read-only: no bytecode caches, temp files in /tmp.
  - name: PYTHONDONTWRITEBYTECODE
    value: "1"
  {{- with $root.Values.extraEnv }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}

{{/* Pod-level settings shared by every control-plane pod. */}}
{{- define "consorcio-platform.podCommon" -}}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- range . }}
  - name: {{ . }}
  {{- end }}
{{- end }}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir: {}
{{- end }}

{{/* Pod annotations shared by every control-plane pod. */}}
{{- define "consorcio-platform.podAnnotations" -}}
{{- $vault := include "consorcio-platform.vaultAnnotations" . | trim }}
{{- if or $vault .Values.podAnnotations }}
annotations:
  {{- with $vault }}
  {{- . | nindent 2 }}
  {{- end }}
  {{- with .Values.podAnnotations }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
{{- end }}

{{/*
Accepted checkov findings on a workload, each with its reason (tests run
checkov on the rendered chart). Pass (list "CKV_K8S_11=reason" ...).
*/}}
{{- define "consorcio-platform.checkovSkips" -}}
{{- range $i, $skip := . }}
checkov.io/skip{{ add1 $i }}: {{ $skip | quote }}
{{- end }}
{{- end }}
