{{/* Fluent Bit's files (ConfigMap log-collector), also hashed into the DaemonSet so a change rolls it. */}}
{{- define "kit.logCollectorConfig" -}}
parsers.conf: |
  # The kubelet's file name: <pod>_<namespace>_<container>-<container id>.log
  [PARSER]
      Name   k8s_log_file
      Format regex
      Regex  ^/var/log/containers/(?<pod_name>[^_]+)_(?<namespace>[^_]+)_(?<container_name>.+)-(?<container_id>[a-z0-9]{64})\.log$

  [PARSER]
      Name   json_line
      Format json
fluent-bit.conf: |
  # The Kubernetes counterpart of observability/fluentd/fluent.conf: the same index (fluentd-YYYY.MM.DD)
  # and fields (msg, service = the container's name = the compose service's name, the JSON fields
  # of pino's lines), read from this namespace's log files on the node instead of Docker's driver.
  # No Kubernetes API access needed: namespace, pod and container come from the file name.
  [SERVICE]
      Flush         2
      Log_Level     info
      Parsers_File  /fluent-bit/etc/parsers.conf
      HTTP_Server   On
      HTTP_Listen   0.0.0.0
      HTTP_Port     2020
      Health_Check  On
      storage.path  /fluent-bit/state/buffer
      storage.sync  normal

  # Only this release's namespace; the pipeline's own containers log to kubectl logs only, as in compose.
  [INPUT]
      Name              tail
      Tag               kube.*
      Path              /var/log/containers/*_{{ .Release.Namespace }}_*.log
      Exclude_Path      /var/log/containers/*_{{ .Release.Namespace }}_fluent-bit-*.log,/var/log/containers/*_{{ .Release.Namespace }}_install-index-template-*.log,/var/log/containers/*_{{ .Release.Namespace }}_elasticsearch-*.log,/var/log/containers/*_{{ .Release.Namespace }}_kibana-*.log
      Path_Key          log_file
      multiline.parser  cri
      DB                /fluent-bit/state/tail.db
      Mem_Buf_Limit     16MB
      Skip_Long_Lines   On
      Refresh_Interval  5
      storage.type      filesystem

  [FILTER]
      Name          parser
      Match         kube.*
      Key_Name      log_file
      Parser        k8s_log_file
      Reserve_Data  On

  # JSON lines (pino) become fields, as fluent.conf's @JSON_LINES; other lines pass unchanged.
  [FILTER]
      Name          parser
      Match         kube.*
      Key_Name      log
      Parser        json_line
      Reserve_Data  On

  # A text line keeps its text as msg, as fluent.conf's @TEXT_LINES.
  [FILTER]
      Name       modify
      Match      kube.*
      Condition  Key_exists log
      Rename     log msg

  [FILTER]
      Name       modify
      Match      kube.*
      Condition  Key_does_not_exist service
      Copy       container_name service

  [FILTER]
      Name       modify
      Match      kube.*
      Remove     _p

  [OUTPUT]
      Name                es
      Match               kube.*
      Host                elasticsearch
      Port                9200
      Logstash_Format     On
      Logstash_Prefix     fluentd
      Logstash_DateFormat %Y.%m.%d
      Time_Key            @timestamp
      Include_Tag_Key     On
      Tag_Key             fluentd_tag
      Suppress_Type_Name  On
      Trace_Error         On
      Retry_Limit         False
{{- end -}}
