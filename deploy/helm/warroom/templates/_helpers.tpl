{{/* Names and labels shared by every template. */}}

{{- define "warroom.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "warroom.fullname" -}}
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

{{- define "warroom.selectorLabels" -}}
app.kubernetes.io/name: {{ include "warroom.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "warroom.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "warroom.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "warroom.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "warroom.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Secret the pod reads its secrets from. */}}
{{- define "warroom.secretName" -}}
{{- default (include "warroom.fullname" .) .Values.secrets.existingSecret }}
{{- end }}

{{/* The PersistentVolumeClaim of SQLite mode. */}}
{{- define "warroom.claimName" -}}
{{- default (printf "%s-data" (include "warroom.fullname" .)) .Values.persistence.existingClaim }}
{{- end }}

{{/* Refuse settings that cannot work; values.schema.json checks the rest. */}}
{{- define "warroom.validate" -}}
{{- if and (eq .Values.database.mode "sqlite") (gt (int .Values.replicaCount) 1) }}
{{- fail (printf "replicaCount=%d with database.mode=sqlite: a SQLite file has one writer, so SQLite runs exactly one replica; set database.mode=postgres for more (README: Moving to PostgreSQL)" (int .Values.replicaCount)) }}
{{- end }}
{{- if and (eq .Values.database.mode "postgres") (not .Values.secrets.existingSecret) (not (hasKey .Values.secrets.values "WARROOM_DB")) }}
{{- fail "database.mode=postgres needs the PostgreSQL URL: set secrets.values.WARROOM_DB, or name a Secret holding WARROOM_DB in secrets.existingSecret" }}
{{- end }}
{{- end }}
