{{/* vim: set filetype=mustache: */}}
{{/*
A projected service account token source.
Usage:
{{ include "common.tokens.source" (dict "path" "token" "audience" "vault" "expirationSeconds" 3600) }}
audience and expirationSeconds may be left out.
*/}}
{{- define "common.tokens.source" -}}
- serviceAccountToken: {{- /* want: TL101 "projected token \"token\" in volume \"vault-token\" has no audience" */}}
    path: {{ .path }}
    {{- with .audience }}
    audience: {{ . | quote }}
    {{- end }}
    {{- with .expirationSeconds }}
    expirationSeconds: {{ . }}
    {{- end }}
{{- end -}}
