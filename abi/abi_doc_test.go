package abi

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"os"
	"strings"
	"testing"
)

// TestDocMatchesConstants fails when docs/abi.md lacks a constant of
// abi.go or gives it another value: the doc writes each as "`Name` = value".
func TestDocMatchesConstants(t *testing.T) {
	doc, err := os.ReadFile("../docs/abi.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "abi.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	conf := types.Config{}
	pkg, err := conf.Check("abi", fset, []*ast.File{f}, nil)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, name := range pkg.Scope().Names() {
		c, ok := pkg.Scope().Lookup(name).(*types.Const)
		if !ok || !c.Exported() {
			continue
		}
		n++
		var val string
		switch c.Val().Kind() {
		case constant.String:
			val = constant.StringVal(c.Val())
		default:
			val = c.Val().String()
		}
		want := fmt.Sprintf("`%s` = `%s`", name, val)
		wantNum := fmt.Sprintf("`%s` = %s", name, val)
		if !strings.Contains(text, want) && !strings.Contains(text, wantNum) {
			t.Errorf("docs/abi.md does not give %s = %s (write %q)", name, val, wantNum)
		}
	}
	if n < 40 {
		t.Fatalf("checked only %d constants", n)
	}
	for _, fn := range HostFuncs {
		if !strings.Contains(text, "### `Func") || !strings.Contains(text, "`"+fn+"(") {
			t.Errorf("docs/abi.md has no section for host function %s", fn)
		}
	}
}
