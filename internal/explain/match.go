package explain

import (
	"regexp"
	"strings"

	ahocorasick "github.com/BobuSumisu/aho-corasick"

	"github.com/shipshape-dev/shipshape/internal/rule"
)

// obs is one observation: a matcher matched a line.
type obs struct {
	fact   string // clue name, or "sig:" + rule ID for a catalog signature
	rule   string // the rule ID of a catalog signature
	line   int
	text   string
	params map[string]string
	source string
	unit   string
	score  int // error-likeness, for suspects
}

// matcher is one regexp run on candidate lines (lines that contain one of its literals).
type matcher struct {
	fact    string
	rule    string
	res     []*regexp.Regexp // tried in order, the first that matches wins; none: the literal is enough
	suspect bool
}

func (m *matcher) match(l line) (obs, bool) {
	o := obs{fact: m.fact, rule: m.rule, line: l.no, source: l.source, unit: l.unit}
	text := l.msg
	if m.suspect {
		o.score = errorWords(strings.ToLower(l.msg))
		if o.score == 0 {
			return o, false
		}
		o.text = cut(l.msg)
		return o, true
	}
	if len(m.res) > 0 {
		var (
			re  *regexp.Regexp
			loc []int
		)
		for _, r := range m.res {
			if loc = r.FindStringSubmatchIndex(l.msg); loc != nil {
				re, text = r, l.msg
				break
			}
			if l.raw != l.msg {
				if loc = r.FindStringSubmatchIndex(l.raw); loc != nil {
					re, text = r, l.raw
					break
				}
			}
		}
		if re == nil {
			return o, false
		}
		for i, name := range re.SubexpNames() {
			if name == "" || loc[2*i] < 0 {
				continue
			}
			if o.params == nil {
				o.params = map[string]string{}
			}
			// Groups may be numbered variants of one parameter (port, port2): keep the first.
			key := strings.TrimRight(name, "0123456789")
			if _, ok := o.params[key]; !ok {
				o.params[key] = text[loc[2*i]:loc[2*i+1]]
			}
		}
	}
	o.text = cut(l.msg)
	return o, true
}

func cut(s string) string {
	if len(s) > maxEvidenceText {
		s = s[:maxEvidenceText] + "…"
	}
	return s
}

var suspectWords = []string{"error", "fatal", "panic", "failed", "failure", "exception", "denied", "refused",
	"cannot", "can't", "unable", "killed", "exit code", "exited", "not found", "timed out", "timeout", "no such"}

func errorWords(low string) int {
	n := 0
	for _, w := range suspectWords {
		if strings.Contains(low, w) {
			n++
		}
	}
	return n
}

// compile builds the scanner over the catalog's signatures and the built-in clues.
func compile(rules []*rule.Rule) *scanner {
	s := &scanner{}
	litIndex := map[string]int{}
	add := func(lit string, mi int) {
		lit = strings.ToLower(lit)
		if lit == "" {
			return
		}
		i, ok := litIndex[lit]
		if !ok {
			i = len(s.lits)
			litIndex[lit] = i
			s.lits = append(s.lits, lit)
			s.byLit = append(s.byLit, nil)
		}
		s.byLit[i] = append(s.byLit[i], mi)
	}
	for _, r := range rules {
		for _, sig := range r.Signatures {
			if sig.Pattern == nil || sig.Literal == "" {
				continue
			}
			mi := len(s.matchers)
			s.matchers = append(s.matchers, &matcher{fact: "sig:" + r.ID, rule: r.ID, res: []*regexp.Regexp{sig.Pattern}})
			add(sig.Literal, mi)
		}
	}
	for _, c := range clues {
		mi := len(s.matchers)
		s.matchers = append(s.matchers, &matcher{fact: c.name, res: c.res})
		for _, l := range c.lits {
			add(l, mi)
		}
	}
	mi := len(s.matchers)
	s.matchers = append(s.matchers, &matcher{fact: "suspect", suspect: true})
	for _, w := range suspectWords {
		add(w, mi)
	}
	// The automaton looks for each literal's anchor (see anchorOf); a line is a candidate for a
	// literal only if the whole literal is on it, checked when the anchor is found.
	anchorIndex := map[string]int{}
	var anchors []string
	for li, lit := range s.lits {
		a := anchorOf(lit)
		ai, ok := anchorIndex[a]
		if !ok {
			ai = len(anchors)
			anchorIndex[a] = ai
			anchors = append(anchors, a)
			s.byAnchor = append(s.byAnchor, nil)
		}
		s.byAnchor[ai] = append(s.byAnchor[ai], li)
	}
	s.anchors = anchors
	s.trie = ahocorasick.NewTrieBuilder().AddStrings(anchors).Build()
	return s
}

// byteRank orders bytes from the most to the least frequent in English text and logs (a
// general order, not measured on any particular log).
const byteRank = " etaoinsrhldcum0123456789fpgwyb,.vk:/-_=[]{}()"

func rarity(b byte) int {
	if i := strings.IndexByte(byteRank, b); i >= 0 {
		return i
	}
	return len(byteRank) // rarer than any ranked byte
}

// anchorOf returns the part of a literal the automaton looks for: the suffix that starts at
// its rarest byte, keeping at least minAnchor bytes. An automaton leaves its root state on every
// input byte that starts a pattern; patterns that start on rare bytes keep it at the root on the
// common ones (spaces, vowels, digits), which makes the scan markedly faster (about a third on
// the bench log) for the same candidate lines.
func anchorOf(lit string) string {
	const minAnchor = 4
	if len(lit) <= minAnchor {
		return lit
	}
	best, bi := -1, 0
	for i := 0; i+minAnchor <= len(lit); i++ {
		if r := rarity(lit[i]); r > best {
			best, bi = r, i
		}
	}
	return lit[bi:]
}

// Literals returns the catalog's signature literals, lower-cased and de-duplicated: the
// fragments a grep -F -f prefilter would look for (the bench compares against it).
func Literals(rules []*rule.Rule) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rules {
		for _, s := range r.Signatures {
			l := strings.ToLower(s.Literal)
			if l != "" && !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}
