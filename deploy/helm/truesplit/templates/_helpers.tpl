{{/* Labels of every controller object (deploy/'s, unchanged). */}}
{{- define "truesplit.labels" -}}
app.kubernetes.io/name: truesplit-controller
app.kubernetes.io/part-of: truesplit
{{- end }}

{{- define "truesplit.serviceAccountName" -}}
{{- default "truesplit-controller" .Values.serviceAccount.name }}
{{- end }}

{{/* The image, its tag defaulting to the chart's appVersion. */}}
{{- define "truesplit.image" -}}
{{ .Values.controller.image.repository }}:{{ default .Chart.AppVersion .Values.controller.image.tag }}
{{- end }}

{{/* The YAML documents of a file, as objects (empty documents dropped). */}}
{{- define "truesplit.documents" -}}
{{- $objects := list }}
{{- range $doc := regexSplit "(?m)^---\\s*$" . -1 }}
{{- $object := fromYaml $doc }}
{{- if and $object (hasKey $object "kind") }}{{ $objects = append $objects $object }}{{ end }}
{{- end }}
{{- toJson $objects }}
{{- end }}
