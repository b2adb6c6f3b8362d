package main

import (
	"fmt"
	"regexp"
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// The two exceptions a pod template may claim, each with its reason as the annotation's value.
const (
	annotationRunsAsRoot        = "workshop-kit/runs-as-root"
	annotationWritableRootFS    = "workshop-kit/writable-root-filesystem"
	readinessPath, livenessPath = "/health/ready", "/health/live"
)

// Object is one decoded document.
type Object struct {
	Kind string
	Obj  runtime.Object
}

// Report is what Check found.
type Report struct {
	Findings   []string
	Exceptions []string
	Workloads  int
}

// workload is a pod template with the facts the rules need.
type workload struct {
	ref        string // Kind/namespace/name
	namespace  string
	name       string
	replicas   int32 // 0 for kinds without replicas
	longLived  bool  // Jobs and CronJobs run to completion: no probes
	template   corev1.PodTemplateSpec
	hasPDBRule bool // Deployments and StatefulSets
}

// Check applies the chart's rules to the decoded objects.
func Check(objects []Object, services []string) Report {
	var r Report
	var workloads []workload
	var pdbs []*policyv1.PodDisruptionBudget
	var svcs []*corev1.Service
	for _, o := range objects {
		switch v := o.Obj.(type) {
		case *appsv1.Deployment:
			workloads = append(workloads, workload{ref: ref("Deployment", v.ObjectMeta), namespace: v.Namespace, name: v.Name, replicas: replicas(v.Spec.Replicas), longLived: true, template: v.Spec.Template, hasPDBRule: true})
		case *appsv1.StatefulSet:
			workloads = append(workloads, workload{ref: ref("StatefulSet", v.ObjectMeta), namespace: v.Namespace, name: v.Name, replicas: replicas(v.Spec.Replicas), longLived: true, template: v.Spec.Template, hasPDBRule: true})
		case *appsv1.DaemonSet:
			workloads = append(workloads, workload{ref: ref("DaemonSet", v.ObjectMeta), namespace: v.Namespace, name: v.Name, longLived: true, template: v.Spec.Template})
		case *batchv1.Job:
			workloads = append(workloads, workload{ref: ref("Job", v.ObjectMeta), namespace: v.Namespace, name: v.Name, template: v.Spec.Template})
		case *batchv1.CronJob:
			workloads = append(workloads, workload{ref: ref("CronJob", v.ObjectMeta), namespace: v.Namespace, name: v.Name, template: v.Spec.JobTemplate.Spec.Template})
		case *corev1.Pod:
			workloads = append(workloads, workload{ref: ref("Pod", v.ObjectMeta), namespace: v.Namespace, name: v.Name, longLived: v.Spec.RestartPolicy != corev1.RestartPolicyNever && v.Spec.RestartPolicy != corev1.RestartPolicyOnFailure, template: corev1.PodTemplateSpec{ObjectMeta: v.ObjectMeta, Spec: v.Spec}})
		case *policyv1.PodDisruptionBudget:
			pdbs = append(pdbs, v)
		case *corev1.Service:
			svcs = append(svcs, v)
		}
	}
	r.Workloads = len(workloads)

	isService := map[string]bool{}
	for _, s := range services {
		if s = strings.TrimSpace(s); s != "" {
			isService[s] = true
		}
	}
	seen := map[string]bool{}
	for _, w := range workloads {
		fail := func(format string, args ...any) {
			r.Findings = append(r.Findings, w.ref+": "+fmt.Sprintf(format, args...))
		}
		r.Exceptions = append(r.Exceptions, checkPod(w, fail)...)
		if isService[w.name] {
			seen[w.name] = true
			checkServiceProbes(w, fail)
		}
		if w.hasPDBRule && w.replicas > 1 && !coveredByPDB(w, pdbs) {
			fail("%d replicas but no PodDisruptionBudget selects its pods", w.replicas)
		}
	}
	for s := range isService {
		if !seen[s] {
			r.Findings = append(r.Findings, fmt.Sprintf("service %s: no workload named %s is rendered", s, s))
		}
	}
	for _, pdb := range pdbs {
		if pdb.Spec.MinAvailable == nil && pdb.Spec.MaxUnavailable == nil {
			r.Findings = append(r.Findings, ref("PodDisruptionBudget", pdb.ObjectMeta)+": neither minAvailable nor maxUnavailable")
		}
	}
	for _, svc := range svcs {
		if len(svc.Spec.Selector) > 0 && !selectsAny(svc, workloads) {
			r.Findings = append(r.Findings, ref("Service", svc.ObjectMeta)+fmt.Sprintf(": selector %v matches no workload's pods", svc.Spec.Selector))
		}
	}
	return r
}

// checkPod applies the per-container rules; it returns the exceptions taken, with their reasons.
func checkPod(w workload, fail func(string, ...any)) []string {
	var exceptions []string
	annotations := w.template.Annotations
	rootReason, rootAllowed := annotations[annotationRunsAsRoot]
	rwReason, rwAllowed := annotations[annotationWritableRootFS]
	if rootAllowed {
		if strings.TrimSpace(rootReason) == "" {
			fail("annotation %s needs a reason as its value", annotationRunsAsRoot)
		}
		exceptions = append(exceptions, fmt.Sprintf("%s runs as root: %s", w.ref, rootReason))
	}
	if rwAllowed {
		if strings.TrimSpace(rwReason) == "" {
			fail("annotation %s needs a reason as its value", annotationWritableRootFS)
		}
		exceptions = append(exceptions, fmt.Sprintf("%s writes to its root filesystem: %s", w.ref, rwReason))
	}
	pod := w.template.Spec.SecurityContext
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	if w.template.Spec.HostNetwork || w.template.Spec.HostPID || w.template.Spec.HostIPC {
		fail("uses the host's network, PID or IPC namespace")
	}
	type named struct {
		kind string
		c    corev1.Container
	}
	var all []named
	for _, c := range w.template.Spec.InitContainers {
		all = append(all, named{"init container", c})
	}
	for _, c := range w.template.Spec.Containers {
		all = append(all, named{"container", c})
	}
	for _, n := range all {
		c := n.c
		where := fmt.Sprintf("%s %s", n.kind, c.Name)
		if problem := imageProblem(c.Image); problem != "" {
			fail("%s: image %q %s", where, c.Image, problem)
		}
		checkResources(c, func(format string, args ...any) { fail(where+": "+format, args...) })

		sc := c.SecurityContext
		if sc == nil {
			sc = &corev1.SecurityContext{}
		}
		runAsNonRoot := firstBool(sc.RunAsNonRoot, pod.RunAsNonRoot)
		runAsUser := firstInt(sc.RunAsUser, pod.RunAsUser)
		if !rootAllowed {
			if !runAsNonRoot {
				fail("%s: runAsNonRoot is not true", where)
			}
			if runAsUser != nil && *runAsUser == 0 {
				fail("%s: runAsUser is 0", where)
			}
		}
		if sc.Privileged != nil && *sc.Privileged {
			fail("%s: privileged", where)
		}
		if sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation {
			fail("%s: allowPrivilegeEscalation is not false", where)
		}
		if sc.Capabilities == nil || !dropsAll(sc.Capabilities.Drop) {
			fail("%s: capabilities do not drop ALL", where)
		} else if len(sc.Capabilities.Add) > 0 {
			fail("%s: adds capabilities %v", where, sc.Capabilities.Add)
		}
		if !rwAllowed && (sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem) {
			fail("%s: readOnlyRootFilesystem is not true", where)
		}
		if n.kind == "container" && w.longLived {
			if c.ReadinessProbe == nil {
				fail("%s: no readiness probe", where)
			}
			if c.LivenessProbe == nil {
				fail("%s: no liveness probe", where)
			}
		}
	}
	return exceptions
}

// checkResources: CPU and memory requests, a memory limit at least the request. No CPU limit is required:
// a CPU limit throttles Node's event loop (latency the workshop would then misread); the request reserves
// the share on the node.
func checkResources(c corev1.Container, fail func(string, ...any)) {
	req, lim := c.Resources.Requests, c.Resources.Limits
	if _, ok := req[corev1.ResourceCPU]; !ok {
		fail("no CPU request")
	}
	memReq, hasMemReq := req[corev1.ResourceMemory]
	if !hasMemReq {
		fail("no memory request")
	}
	memLim, hasMemLim := lim[corev1.ResourceMemory]
	if !hasMemLim {
		fail("no memory limit")
	}
	if hasMemReq && hasMemLim && memReq.Cmp(memLim) > 0 {
		fail("memory request %s above its limit %s", memReq.String(), memLim.String())
	}
}

var tagPattern = regexp.MustCompile(`^[\w][\w.-]{0,127}$`)

// imageProblem: a pinned image names a digest, or a tag that is a version (has a digit) and is not `latest`.
func imageProblem(image string) string {
	if image == "" {
		return "is empty"
	}
	if at := strings.Index(image, "@sha256:"); at >= 0 {
		return ""
	}
	name, tag := image, ""
	if colon := strings.LastIndex(image, ":"); colon > strings.LastIndex(image, "/") {
		name, tag = image[:colon], image[colon+1:]
	}
	switch {
	case name == "":
		return "has no name"
	case tag == "":
		return "has no tag (pin a version)"
	case !tagPattern.MatchString(tag):
		return "has an invalid tag"
	case strings.Contains(strings.ToLower(tag), "latest"), !strings.ContainsAny(tag, "0123456789"):
		return "is not pinned to a version"
	}
	return ""
}

// checkServiceProbes: the NestJS services answer /health/ready (dependencies up) and /health/live (process up).
func checkServiceProbes(w workload, fail func(string, ...any)) {
	var c *corev1.Container
	for i := range w.template.Spec.Containers {
		if w.template.Spec.Containers[i].Name == w.name {
			c = &w.template.Spec.Containers[i]
		}
	}
	if c == nil {
		fail("no container named %s", w.name)
		return
	}
	for _, p := range []struct {
		kind  string
		probe *corev1.Probe
		path  string
	}{{"readiness", c.ReadinessProbe, readinessPath}, {"liveness", c.LivenessProbe, livenessPath}} {
		if p.probe == nil {
			continue // reported by checkPod
		}
		if p.probe.HTTPGet == nil || p.probe.HTTPGet.Path != p.path {
			fail("container %s: %s probe must GET %s", c.Name, p.kind, p.path)
			continue
		}
		if !portDeclared(*c, p.probe.HTTPGet.Port) {
			fail("container %s: %s probe port %s is not a container port", c.Name, p.kind, p.probe.HTTPGet.Port.String())
		}
	}
}

func portDeclared(c corev1.Container, port intstr.IntOrString) bool {
	for _, p := range c.Ports {
		if (port.Type == intstr.String && p.Name == port.StrVal) || (port.Type == intstr.Int && p.ContainerPort == port.IntVal) {
			return true
		}
	}
	return false
}

func coveredByPDB(w workload, pdbs []*policyv1.PodDisruptionBudget) bool {
	for _, pdb := range pdbs {
		if pdb.Namespace != w.namespace || pdb.Spec.Selector == nil {
			continue
		}
		selector, err := metav1.LabelSelectorAsSelector(pdb.Spec.Selector)
		if err == nil && !selector.Empty() && selector.Matches(labels.Set(w.template.Labels)) {
			return true
		}
	}
	return false
}

func selectsAny(svc *corev1.Service, workloads []workload) bool {
	selector := labels.SelectorFromSet(svc.Spec.Selector)
	for _, w := range workloads {
		if w.namespace == svc.Namespace && w.longLived && selector.Matches(labels.Set(w.template.Labels)) {
			return true
		}
	}
	return false
}

func dropsAll(drop []corev1.Capability) bool {
	for _, c := range drop {
		if strings.EqualFold(string(c), "ALL") {
			return true
		}
	}
	return false
}

func firstBool(values ...*bool) bool {
	for _, v := range values {
		if v != nil {
			return *v
		}
	}
	return false
}

func firstInt(values ...*int64) *int64 {
	for _, v := range values {
		if v != nil {
			return v
		}
	}
	return nil
}

func replicas(n *int32) int32 {
	if n == nil {
		return 1 // the API's default
	}
	return *n
}

func ref(kind string, meta metav1.ObjectMeta) string {
	if meta.Namespace == "" {
		return kind + "/" + meta.Name
	}
	return kind + "/" + meta.Namespace + "/" + meta.Name
}
