{{/*
Labels. Every object is named after its compose service (the configs under files/ address them so);
app.kubernetes.io/name carries that name, instance the release.
*/}}
{{- define "kit.labels" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/part-of: workshop-kit
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{- define "kit.selector" -}}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{/* metadata for a namespaced object: (dict "root" $ "name" "postgres") */}}
{{- define "kit.metadata" -}}
name: {{ .name }}
namespace: {{ .root.Release.Namespace }}
labels:
  {{- include "kit.labels" . | nindent 2 }}
{{- end -}}

{{/*
Pod security: never root (except where a workload says why), the image's own user, a group that owns
the mounted volumes. (dict "uid" 999 "gid" 999)
*/}}
{{- define "kit.podSecurity" -}}
securityContext:
  runAsNonRoot: true
  runAsUser: {{ .uid }}
  runAsGroup: {{ .gid }}
  fsGroup: {{ .gid }}
  seccompProfile:
    type: RuntimeDefault
{{- end -}}

{{/* Container security; (dict "readOnly" true). */}}
{{- define "kit.containerSecurity" -}}
securityContext:
  allowPrivilegeEscalation: false
  readOnlyRootFilesystem: {{ .readOnly }}
  capabilities:
    drop: [ALL]
{{- end -}}

{{/* resources of a component: (include "kit.resources" (list $ "postgres")) */}}
{{- define "kit.resources" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- $r := required (printf "resources.%s is required" $name) (index $root.Values.resources $name) -}}
resources:
  {{- toYaml $r | nindent 2 }}
{{- end -}}

{{/* A volume: a PersistentVolumeClaim when persistence is on and the component has a size, else emptyDir. */}}
{{- define "kit.dataVolume" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
- name: data
{{- if and $root.Values.persistence.enabled (hasKey $root.Values.persistence.size $name) }}
  persistentVolumeClaim:
    claimName: {{ $name }}-data
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{- define "kit.pvc" -}}
{{- $root := index . 0 -}}
{{- $name := index . 1 -}}
{{- if and $root.Values.persistence.enabled (hasKey $root.Values.persistence.size $name) }}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  {{- include "kit.metadata" (dict "root" $root "name" (printf "%s-data" $name)) | nindent 2 }}
spec:
  accessModes: [ReadWriteOnce]
  {{- with $root.Values.persistence.storageClass }}
  storageClassName: {{ . }}
  {{- end }}
  resources:
    requests:
      storage: {{ index $root.Values.persistence.size $name }}
{{- end }}
{{- end -}}

{{/* A ClusterIP Service: (dict "root" $ "name" "x" "ports" (list (list "http" 80))) */}}
{{- define "kit.service" -}}
apiVersion: v1
kind: Service
metadata:
  {{- include "kit.metadata" . | nindent 2 }}
spec:
  selector:
    {{- include "kit.selector" . | nindent 4 }}
  ports:
    {{- range .ports }}
    - name: {{ index . 0 }}
      port: {{ index . 1 }}
      targetPort: {{ index . 0 }}
    {{- end }}
{{- end -}}
