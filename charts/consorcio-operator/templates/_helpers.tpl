{{/* Chart name, overridable. */}}
{{- define "consorcio-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full resource name: release-chart unless the release already carries the chart name. */}}
{{- define "consorcio-operator.fullname" -}}
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

{{- define "consorcio-operator.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the operator pod; never change them on upgrade. */}}
{{- define "consorcio-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "consorcio-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "consorcio-operator.labels" -}}
helm.sh/chart: {{ include "consorcio-operator.chart" . }}
{{ include "consorcio-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/component: operator
app.kubernetes.io/part-of: consorcio
{{- end }}

{{- define "consorcio-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "consorcio-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: a digest pins the image and wins over the tag. */}}
{{- define "consorcio-operator.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{- define "consorcio-operator.backupClaimName" -}}
{{- default (printf "%s-backups" (include "consorcio-operator.fullname" .)) .Values.backup.persistence.existingClaim }}
{{- end }}

{{/*
The ClusterRole with the operator's rights inside one tenant namespace: bound
cluster-wide to nobody, bound per tenant namespace by the operator itself.
*/}}
{{- define "consorcio-operator.tenantRoleName" -}}
{{- printf "%s-tenant" (include "consorcio-operator.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
