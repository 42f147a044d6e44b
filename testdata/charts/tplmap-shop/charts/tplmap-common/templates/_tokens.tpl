{{/*
A projected service account token volume.
Takes a dict with name, audience and expirationSeconds.
*/}}
{{- define "tplmap-common.tokenVolume" -}}
- name: {{ .name }}
  projected:
    sources:
      - serviceAccountToken:
          path: token
          {{- with .audience }}
          audience: {{ . }}
          {{- end }}
          expirationSeconds: {{ .expirationSeconds | default 3600 }}
{{- end }}
