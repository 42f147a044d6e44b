{{- define "gateway.fullname" -}}
{{- if contains .Chart.Name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "gateway.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "gateway.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "gateway.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
The volume of the Vault token, shared by the deployment and the hook.
*/}}
{{- define "gateway.vaultVolume" -}}
- name: vault-token
  projected:
    sources:
      - serviceAccountToken:
          path: vault-token
          {{- with .Values.vault.audience }}
          audience: {{ . }}
          {{- end }}
          expirationSeconds: {{ .Values.vault.ttl }}
{{- end }}

{{/*
The pod spec, shared by the deployment and the warm-up hook.
*/}}
{{- define "gateway.podSpec" -}}
serviceAccountName: {{ include "gateway.serviceAccountName" . }}
{{- if .Values.initContainers }}
initContainers:
  {{- tpl .Values.initContainers . | nindent 2 }}
{{- end }}
containers:
  - name: proxy
    image: "{{ .Values.global.imageRegistry }}/{{ .Values.image.repository }}:{{ .Values.image.tag }}"
    volumeMounts:
      {{- if .Values.vault.enabled }}
      - name: vault-token
        mountPath: /var/run/secrets/vault
        subPath: vault-token
      {{- end }}
      {{- with .Values.extraVolumeMounts }}
      {{- toYaml . | nindent 6 }}
      {{- end }}
volumes:
  {{- if .Values.vault.enabled }}
  {{- include "gateway.vaultVolume" . | nindent 2 }}
  {{- end }}
  {{- with .Values.extraVolumes }}
  {{- toYaml . | nindent 2 }}
  {{- end }}
{{- end }}
