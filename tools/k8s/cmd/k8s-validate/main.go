// k8s-validate checks rendered Kubernetes manifests (the output of `helm template`) the way the workshop
// kit's chart promises them:
//
//   - every document decodes strictly into the Kubernetes API types of k8s.io/api (the release Helm is built
//     with): an unknown or duplicate field, a wrong type or an unregistered kind is an error, as the API
//     server's strict field validation would report it;
//   - every container runs a pinned image, has CPU and memory requests and a memory limit, runs as non-root
//     without privilege escalation and with all capabilities dropped, on a read-only root filesystem;
//   - every long-running container has readiness and liveness probes; the workshop's services (-services)
//     probe /health/ready and /health/live on their HTTP port;
//   - every Deployment or StatefulSet with more than one replica is covered by a PodDisruptionBudget;
//   - every Service selects some workload's pods.
//
// Two exceptions exist and must say why, as pod template annotations: workshop-kit/runs-as-root (the log
// collector reads the node's root-owned container log files) and workshop-kit/writable-root-filesystem
// (images that write beside their code at start). The reason is printed with -v.
//
//	helm template deploy/helm/workshop-kit | k8s-validate -
//	k8s-validate rendered.yaml [more.yaml…]
//
// Exit status: 0 when everything holds, 1 with one line per finding, 2 on a usage or read error.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/kubernetes/scheme"
)

func main() {
	services := flag.String("services", "gateway,order,payment,notification", "comma-separated workloads that must probe /health/ready and /health/live")
	verbose := flag.Bool("v", false, "print the exceptions taken and their reasons")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: k8s-validate [-services a,b] [-v] FILE|- [FILE…]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		flag.Usage()
		os.Exit(2)
	}

	var objects []Object
	var findings []string
	for _, name := range flag.Args() {
		docs, err := readDocuments(name)
		if err != nil {
			fmt.Fprintf(os.Stderr, "k8s-validate: %s: %v\n", name, err)
			os.Exit(2)
		}
		for i, doc := range docs {
			obj, err := decodeStrict(doc)
			if err != nil {
				findings = append(findings, fmt.Sprintf("%s: document %d%s: %v", name, i+1, describeRaw(doc), err))
				continue
			}
			objects = append(objects, obj)
		}
	}

	report := Check(objects, strings.Split(*services, ","))
	findings = append(findings, report.Findings...)
	if *verbose {
		for _, note := range report.Exceptions {
			fmt.Println("exception:", note)
		}
	}
	if len(findings) > 0 {
		sort.Strings(findings)
		for _, f := range findings {
			fmt.Println(f)
		}
		fmt.Printf("k8s-validate: %d finding(s) in %d object(s)\n", len(findings), len(objects))
		os.Exit(1)
	}
	fmt.Printf("k8s-validate: %d object(s), %d workload(s), %d exception(s): ok\n", len(objects), report.Workloads, len(report.Exceptions))
}

// readDocuments splits a multi-document YAML file (or stdin for "-") into its non-empty documents.
func readDocuments(name string) ([][]byte, error) {
	var in io.Reader = os.Stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		in = f
	}
	reader := utilyaml.NewYAMLReader(bufio.NewReader(in))
	var docs [][]byte
	for {
		doc, err := reader.Read()
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, err
		}
		if isBlank(doc) {
			continue
		}
		docs = append(docs, doc)
	}
}

// isBlank: only comments and whitespace (helm template emits `---` plus a `# Source:` line for empty templates).
func isBlank(doc []byte) bool {
	for _, line := range bytes.Split(doc, []byte("\n")) {
		line = bytes.TrimSpace(line)
		if len(line) > 0 && line[0] != '#' && !bytes.Equal(line, []byte("---")) {
			return false
		}
	}
	return true
}

var strictDecoder = json.NewSerializerWithOptions(json.DefaultMetaFactory, scheme.Scheme, scheme.Scheme, json.SerializerOptions{Yaml: true, Strict: true})

// decodeStrict decodes one document into its typed API object; unknown and duplicate fields are errors.
func decodeStrict(doc []byte) (Object, error) {
	obj, gvk, err := strictDecoder.Decode(doc, nil, nil)
	if err != nil {
		if runtime.IsStrictDecodingError(err) {
			return Object{}, fmt.Errorf("strict decoding: %w", err)
		}
		return Object{}, err
	}
	return Object{Kind: gvk.Kind, Obj: obj}, nil
}

// describeRaw names a document that did not decode, as far as its kind and name can be read.
func describeRaw(doc []byte) string {
	var meta struct {
		Kind     string `json:"kind"`
		Metadata struct {
			Name string `json:"name"`
		} `json:"metadata"`
	}
	if err := utilyaml.Unmarshal(doc, &meta); err != nil || meta.Kind == "" {
		return ""
	}
	return fmt.Sprintf(" (%s/%s)", meta.Kind, meta.Metadata.Name)
}
