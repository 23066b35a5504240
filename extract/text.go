package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blocks are the elements that start a new paragraph. Everything else is inline: its
// text joins the current paragraph.
var blocks = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true,
	atom.H5: true, atom.H6: true, atom.Li: true, atom.Ul: true, atom.Ol: true, atom.Dl: true,
	atom.Dt: true, atom.Dd: true, atom.Blockquote: true, atom.Pre: true, atom.Tr: true,
	atom.Table: true, atom.Section: true, atom.Article: true, atom.Header: true,
	atom.Footer: true, atom.Aside: true, atom.Figure: true, atom.Figcaption: true,
	atom.Hr: true, atom.Br: true, atom.Main: true, atom.Nav: true, atom.Form: true,
	atom.Caption: true, atom.Address: true, atom.Details: true, atom.Summary: true,
}

// skipped elements never hold article text.
var skipped = map[atom.Atom]bool{
	atom.Script: true, atom.Style: true, atom.Noscript: true, atom.Template: true,
	atom.Iframe: true, atom.Svg: true, atom.Math: true, atom.Button: true,
	atom.Select: true, atom.Textarea: true, atom.Object: true,
}

// Text renders an HTML tree as plain text: one paragraph per block element, whitespace
// collapsed inside a paragraph, paragraphs separated by one blank line.
func Text(n *html.Node) string {
	var paras []string
	var cur strings.Builder
	flush := func() {
		if p := strings.Join(strings.Fields(cur.String()), " "); p != "" {
			paras = append(paras, p)
		}
		cur.Reset()
	}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		switch n.Type {
		case html.TextNode:
			cur.WriteString(n.Data)
			return
		case html.ElementNode:
			// Trees built by extractors (trafilatura's) may carry only the tag name.
			tag := n.DataAtom
			if tag == 0 {
				tag = atom.Lookup([]byte(strings.ToLower(n.Data)))
			}
			if tag == atom.Head && n.Parent != nil && n.Parent.Type == html.ElementNode && n.Parent.Data == "html" {
				return // the document's <head>: title and meta, not text
			}
			if skipped[tag] {
				return
			}
			isBlock := blocks[tag]
			if isBlock {
				flush()
			} else if tag == atom.Td || tag == atom.Th || tag == atom.Img {
				// Table cells and images separate words even though they are inline.
				cur.WriteByte(' ')
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			if isBlock {
				flush()
			}
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	flush()
	return strings.Join(paras, "\n\n")
}
