{{/* The release's base name: the release name if it holds "ppfarm", else <release>-ppfarm (63 characters at most). */}}
{{- define "ppfarm.fullname" -}}
{{- if contains "ppfarm" .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-ppfarm" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "ppfarm.labels" -}}
app.kubernetes.io/name: ppfarm
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{/* Whether coordinators form their cluster by Pekko Management bootstrap over the Kubernetes API ("true" or ""). */}}
{{- define "ppfarm.kubernetesBootstrap" -}}
{{- if eq .Values.coordinator.clusterBootstrap "kubernetes-api" }}true{{ end -}}
{{- end -}}

{{/* Selector labels of one component: (dict "ctx" $ "component" "coordinator|worker" "pool" "cpu|gpu|"). */}}
{{- define "ppfarm.selectorLabels" -}}
app.kubernetes.io/name: ppfarm
app.kubernetes.io/instance: {{ .ctx.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- if .pool }}
ppfarm.io/pool: {{ .pool }}
{{- end }}
{{- end -}}

{{- define "ppfarm.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{- define "ppfarm.gpuImage" -}}
{{- printf "%s:%s" .Values.gpuImage.repository (default (printf "%s-cuda" .Chart.AppVersion) .Values.gpuImage.tag) -}}
{{- end -}}

{{- define "ppfarm.coordinatorName" -}}{{ include "ppfarm.fullname" . }}-coordinator{{- end -}}
{{- define "ppfarm.headlessName" -}}{{ include "ppfarm.fullname" . }}-coordinator-headless{{- end -}}
{{- define "ppfarm.strimziName" -}}{{ default (printf "%s-kafka" (include "ppfarm.fullname" .)) .Values.strimzi.clusterName }}{{- end -}}

{{/*
The coordinators' stable DNS names: pod i of the StatefulSet behind the headless Service,
<statefulset>-i.<headless>.<namespace>.svc.<clusterDomain>, comma-separated, for "port" (a key of coordinator.ports).
*/}}
{{- define "ppfarm.coordinatorAddresses" -}}
{{- $ctx := .ctx -}}
{{- $port := get $ctx.Values.coordinator.ports .port -}}
{{- $names := list -}}
{{- range $i := until (int $ctx.Values.coordinator.replicas) -}}
{{- $names = append $names (printf "%s-%d.%s.%s.svc.%s:%v" (include "ppfarm.coordinatorName" $ctx) $i (include "ppfarm.headlessName" $ctx) $ctx.Release.Namespace $ctx.Values.clusterDomain $port) -}}
{{- end -}}
{{- join "," $names -}}
{{- end -}}

{{/*
Pekko seed nodes: the first three coordinators (or fewer), pekko://ppfarm@<stable name>:<cluster port>. Coordinator 0
is first: on a new cluster it forms the cluster, everyone else joins it; a later start joins any running seed.
*/}}
{{- define "ppfarm.seedNodes" -}}
{{- $seeds := list -}}
{{- range $i, $a := splitList "," (include "ppfarm.coordinatorAddresses" (dict "ctx" . "port" "cluster")) -}}
{{- if lt $i 3 -}}{{- $seeds = append $seeds (printf "pekko://ppfarm@%s" $a) -}}{{- end -}}
{{- end -}}
{{- join "," $seeds -}}
{{- end -}}

{{/* Kafka bootstrap servers, after the Kafka values were checked (ppfarm.validate). */}}
{{- define "ppfarm.bootstrapServers" -}}
{{- if .Values.strimzi.enabled -}}
{{- printf "%s-kafka-bootstrap.%s.svc:9092" (include "ppfarm.strimziName" .) .Release.Namespace -}}
{{- else -}}
{{- .Values.kafka.bootstrapServers -}}
{{- end -}}
{{- end -}}

{{- define "ppfarm.sealSecret" -}}
{{- default (printf "%s-seal" (include "ppfarm.fullname" .)) .Values.seal.existingSecret -}}
{{- end -}}

{{/*
Combinations the schema cannot name well: each refusal names the values at fault. Included by every workload.
*/}}
{{- define "ppfarm.validate" -}}
{{- if and .Values.strimzi.enabled .Values.kafka.bootstrapServers -}}
{{- fail (printf "kafka.bootstrapServers (%q) and strimzi.enabled=true are both set: use an existing Kafka or a Strimzi one, not both (set kafka.bootstrapServers=\"\" with strimzi.enabled)" .Values.kafka.bootstrapServers) -}}
{{- end -}}
{{- if and (not .Values.strimzi.enabled) (not .Values.kafka.bootstrapServers) -}}
{{- fail "kafka.bootstrapServers is empty and strimzi.enabled=false: set one of them" -}}
{{- end -}}
{{- if and .Values.strimzi.enabled (gt (int .Values.kafka.replicationFactor) (int .Values.strimzi.replicas)) -}}
{{- fail (printf "kafka.replicationFactor=%v exceeds strimzi.replicas=%v" .Values.kafka.replicationFactor .Values.strimzi.replicas) -}}
{{- end -}}
{{- $keys := or .Values.seal.publicKey .Values.seal.keyPair -}}
{{- if and $keys .Values.seal.existingSecret -}}
{{- fail (printf "seal.existingSecret (%q) and seal.publicKey/seal.keyPair are both set: the chart makes a Secret from the keys only when seal.existingSecret is \"\"" .Values.seal.existingSecret) -}}
{{- end -}}
{{- if and (not .Values.seal.existingSecret) (not (and .Values.seal.publicKey .Values.seal.keyPair)) -}}
{{- fail "seal.existingSecret is empty: set it, or both seal.publicKey and seal.keyPair (ppfarm keys seal makes them)" -}}
{{- end -}}
{{- if and (or .Values.cpuWorkers.autoscaling.keda.enabled .Values.cpuWorkers.autoscaling.hpa.enabled) (lt (int .Values.cpuWorkers.autoscaling.maxReplicas) (int .Values.cpuWorkers.autoscaling.minReplicas)) -}}
{{- fail (printf "cpuWorkers.autoscaling.maxReplicas=%v is below cpuWorkers.autoscaling.minReplicas=%v" .Values.cpuWorkers.autoscaling.maxReplicas .Values.cpuWorkers.autoscaling.minReplicas) -}}
{{- end -}}
{{- range $pool := list "cpuWorkers" "gpuWorkers" -}}
{{- $w := get $.Values $pool -}}
{{- if gt (int $w.provingSlots) (int $w.concurrency) -}}
{{- fail (printf "%s.provingSlots=%v exceeds %s.concurrency=%v (worker.proving.slots must be at most worker.concurrency)" $pool $w.provingSlots $pool $w.concurrency) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* A properties file body from a map, keys sorted. */}}
{{- define "ppfarm.properties" -}}
{{- range $k := keys . | sortAlpha }}{{ $k }}={{ get $ $k }}{{ "\n" }}{{- end }}
{{- end -}}

{{/* Settings every farm node shares. */}}
{{- define "ppfarm.kafkaSettings" -}}
{{- $s := dict "kafka.bootstrap.servers" (include "ppfarm.bootstrapServers" .) "kafka.topic.prefix" .Values.kafka.topicPrefix "kafka.topic.partitions" (toString .Values.kafka.partitions) "kafka.topic.replication.factor" (toString .Values.kafka.replicationFactor) -}}
{{- range $k, $v := .Values.kafka.clientProperties -}}
{{- $_ := set $s (printf "kafka.client.%s" $k) (toString $v) -}}
{{- end -}}
{{- toYaml $s -}}
{{- end -}}

{{/* The pod and container security settings: non-root (the image's uid 10001), read-only root, no capabilities. */}}
{{- define "ppfarm.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: 10001
runAsGroup: 10001
fsGroup: 10001
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "ppfarm.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
capabilities:
  drop: [ALL]
{{- end -}}
