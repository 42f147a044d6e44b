{{/*
The apiVersion of Deployments, for the clusters the chart supports.
*/}}
{{- define "secrets-sync.deployment.apiVersion" -}}
{{- if .Capabilities.APIVersions.Has "apps/v1" -}}
apps/v1
{{- else -}}
extensions/v1beta1
{{- end -}}
{{- end -}}
