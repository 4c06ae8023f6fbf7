// goyaml-verdicts decodes YAML files the way kubectl and the API server do, to be pullcheck's
// parse oracle: documents are split at lines that start with "---" like apimachinery's
// YAMLReader (k8s.io/apimachinery/pkg/util/yaml), and each one is converted with
// sigs.k8s.io/yaml.YAMLToJSON (go-yaml v2). For every file it prints one line:
//
//	ok<TAB>PATH
//	error<TAB>PATH<TAB>DOCUMENT-INDEX<TAB>MESSAGE
//
// With -json, each document's JSON follows its file's line, one per line, prefixed by a tab.
//
// Build (offline, with Debian's golang-k8s-sigs-yaml-dev and golang-gopkg-yaml.v2-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go build -o goyaml-verdicts .
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"sigs.k8s.io/yaml"
)

const separator = "---"

// documents splits like apimachinery's YAMLReader.Read: a line starting with "---" ends the
// current document; only white space or a comment may follow the marker on that line.
func documents(data []byte) ([][]byte, error) {
	var docs [][]byte
	var buffer bytes.Buffer
	reader := bufio.NewReader(bytes.NewReader(data))
	for {
		line, err := reader.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return nil, err
		}
		if bytes.HasPrefix(line, []byte(separator)) {
			trimmed := strings.TrimSpace(string(line[len(separator):]))
			if len(trimmed) > 0 && trimmed[0] != '#' {
				return nil, fmt.Errorf("invalid Yaml document separator: %s", trimmed)
			}
			if buffer.Len() != 0 {
				docs = append(docs, append([]byte(nil), buffer.Bytes()...))
				buffer.Reset()
			}
		} else {
			buffer.Write(line)
		}
		if err == io.EOF {
			break
		}
	}
	if buffer.Len() != 0 {
		docs = append(docs, buffer.Bytes())
	}
	return docs, nil
}

func main() {
	printJSON := flag.Bool("json", false, "print each document's JSON")
	flag.Parse()
	for _, path := range flag.Args() {
		data, err := os.ReadFile(path)
		if err != nil {
			fmt.Printf("error\t%s\t-1\t%s\n", path, err)
			continue
		}
		docs, err := documents(data)
		if err != nil {
			fmt.Printf("error\t%s\t-1\t%s\n", path, oneLine(err))
			continue
		}
		var converted []string
		failed := false
		for i, doc := range docs {
			out, err := yaml.YAMLToJSON(doc)
			if err != nil {
				fmt.Printf("error\t%s\t%d\t%s\n", path, i, oneLine(err))
				failed = true
				break
			}
			converted = append(converted, string(out))
		}
		if !failed {
			fmt.Printf("ok\t%s\n", path)
		}
		if *printJSON {
			for _, doc := range converted {
				fmt.Printf("\t%s\n", doc)
			}
		}
	}
}

func oneLine(err error) string {
	return strings.ReplaceAll(err.Error(), "\n", " ")
}
