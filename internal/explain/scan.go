package explain

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"sort"
	"strconv"
	"strings"
	"sync"

	ahocorasick "github.com/BobuSumisu/aho-corasick"
)

// Sizes of the streaming scan. Memory is bounded by workers+2 buffers of chunkSize+MaxLine bytes
// plus one lower-cased copy per worker: with 2 workers about 12 MB, whatever the input.
const (
	// MaxLine is the longest line kept whole; longer lines are cut there and the rest of the
	// line is skipped (counted in Result.Truncated).
	MaxLine = 1 << 20
	// chunkSize is how much input one worker scans at a time. Larger chunks amortise the
	// hand-off between goroutines; 1 MB keeps memory low and still costs well under 1% in
	// channel traffic at 1 GB/s.
	chunkSize = 1 << 20
	// maxSamples bounds the evidence kept per fact: the first and the last few occurrences.
	maxSamples = 6
	// maxSuspects is how many error-looking lines are kept for the "no diagnosis" answer.
	maxSuspects = 5
	// maxEvidenceText cuts evidence lines for display.
	maxEvidenceText = 400
)

// chunk is a run of whole lines of the input, in order.
type chunk struct {
	seq  int
	data []byte
	buf  *[]byte // returned to the free list after the scan
}

// chunkResult is what one worker found in one chunk, with line numbers relative to the chunk.
// Observations are aggregated per fact in the worker (a count and the first and last few), so a
// chunk's result is small however many lines matched; only the facts whose order across facts
// matters (goroutine headers and dial frames of a dump) travel as a sequence, bounded.
type chunkResult struct {
	seq      int
	newlines int
	facts    map[string]*agg
	ordered  []obs
	suspects []obs
}

// maxOrdered bounds the ordered observations of one chunk (a goroutine dump has one header
// every few lines; goroutine 1, the one that matters, comes first).
const maxOrdered = 1 << 14

// ordered facts are replayed in line order by the merger (decide reads goroutine 1's frames).
func ordered(fact string) bool { return fact == "goroutine" || fact == "dial-frame" }

// reader cuts the input into chunks of whole lines, cutting lines longer than MaxLine.
type reader struct {
	r         io.Reader
	free      chan *[]byte
	carry     []byte // start of a line not yet ended, at most MaxLine bytes
	skipping  bool   // inside a line longer than MaxLine, dropping bytes up to its newline
	eof       bool
	seq       int
	truncated int
	read      int64
	made      int // buffers made so far
	limit     int // buffers allowed
}

// next returns the next chunk, or nil at the end of input.
func (rd *reader) next() (*chunk, error) {
	for {
		if rd.eof && len(rd.carry) == 0 {
			return nil, nil
		}
		var bp *[]byte
		select {
		case bp = <-rd.free:
		default:
			if rd.made < rd.limit {
				b := make([]byte, 0, chunkSize+MaxLine+1)
				bp = &b
				rd.made++
			} else {
				bp = <-rd.free
			}
		}
		buf := (*bp)[:0]
		buf = append(buf, rd.carry...)
		rd.carry = rd.carry[:0]
		// Fill up to chunkSize of fresh input past the carried line start.
		for !rd.eof && len(buf) < chunkSize {
			n, err := rd.r.Read(buf[len(buf):cap(buf)])
			if n > 0 {
				data := buf[len(buf) : len(buf)+n]
				rd.read += int64(n)
				if rd.skipping {
					i := bytes.IndexByte(data, '\n')
					if i < 0 {
						continue // the whole read belongs to the over-long line: drop it
					}
					copy(data, data[i+1:])
					n -= i + 1
					rd.skipping = false
				}
				buf = buf[:len(buf)+n]
			}
			if err == io.EOF {
				rd.eof = true
			} else if err != nil {
				rd.free <- bp
				return nil, err
			}
		}
		if len(buf) == 0 {
			rd.free <- bp
			continue
		}
		last := bytes.LastIndexByte(buf, '\n')
		switch {
		case rd.eof && last < len(buf)-1:
			// Input ended without a final newline: the tail is a line.
			if len(buf)-last-1 > MaxLine {
				buf = buf[:last+1+MaxLine]
				rd.truncated++
			}
			buf = append(buf, '\n')
		case last < 0:
			// No newline in a full buffer: one line longer than the buffer. Keep its first
			// MaxLine bytes as a line and skip the rest of it.
			buf = append(buf[:MaxLine], '\n')
			rd.truncated++
			rd.skipping = true
		default:
			tail := buf[last+1:]
			if len(tail) > MaxLine {
				tail = tail[:MaxLine]
				rd.truncated++
				rd.skipping = true
				rd.carry = append(rd.carry, tail...)
				// The cut line is complete now: end it so the next chunk starts clean.
				rd.carry = append(rd.carry, '\n')
			} else {
				rd.carry = append(rd.carry, tail...)
			}
			buf = buf[:last+1]
		}
		*bp = buf
		c := &chunk{seq: rd.seq, data: buf, buf: bp}
		rd.seq++
		return c, nil
	}
}

// scanner is the compiled matcher: one Aho-Corasick automaton over every literal, and for each
// literal the matchers (clues and catalog signatures) whose regexp must then run.
type scanner struct {
	trie     *ahocorasick.Trie
	anchors  []string // the automaton's patterns
	byAnchor [][]int  // anchor index → literal indexes
	lits     []string // lower-cased literals
	byLit    [][]int  // literal index → matcher indexes
	matchers []*matcher
}

// scanChunk finds the candidate lines of one chunk and runs their matchers.
func (s *scanner) scanChunk(c *chunk, low []byte, cache *lineCache) ([]byte, chunkResult) {
	res := chunkResult{seq: c.seq, facts: map[string]*agg{}}
	data := c.data
	if cap(low) < len(data) {
		low = make([]byte, len(data))
	}
	low = low[:len(data)]
	lowerASCII(low, data)
	var (
		lineStart, lineEnd = -1, -1
		anchors, lits      []int
		counted            int // newlines counted up to here
		lineNo             int
	)
	flush := func() {
		if lineStart < 0 {
			return
		}
		// Keep the literals whose anchor was found and which are whole on the line.
		lowLine := low[lineStart:lineEnd]
		lits = lits[:0]
		for _, ai := range anchors {
			for _, li := range s.byAnchor[ai] {
				if lit := s.lits[li]; len(lit) == len(s.anchors[ai]) || bytes.Contains(lowLine, []byte(lit)) {
					lits = appendOnce(lits, li)
				}
			}
		}
		anchors = anchors[:0]
		if len(lits) == 0 {
			return
		}
		lineNo += bytes.Count(data[counted:lineStart], []byte{'\n'})
		counted = lineStart
		s.matchLine(&res, lineNo+1, data[lineStart:lineEnd], lits, cache)
	}
	s.trie.Walk(low, func(end, n, pattern int64) bool {
		e := int(end)
		if e >= lineEnd {
			flush()
			st := bytes.LastIndexByte(data[:e-int(n)+1], '\n') + 1
			en := bytes.IndexByte(data[e:], '\n')
			if en < 0 {
				en = len(data)
			} else {
				en += e
			}
			lineStart, lineEnd = st, en
		}
		anchors = appendOnce(anchors, int(pattern))
		return true
	})
	flush()
	res.newlines = lineNo + bytes.Count(data[counted:], []byte{'\n'})
	return low, res
}

func appendOnce(list []int, x int) []int {
	for _, y := range list {
		if y == x {
			return list
		}
	}
	return append(list, x)
}

// lineCache remembers, per worker, what the matchers found on a message already seen: logs
// repeat the same failure with only the timestamp changing, and the regexps need not run again.
type lineCache struct {
	m map[string][]obs
}

const lineCacheSize = 4096

// matchLine runs the matchers of the literals found on one line.
func (s *scanner) matchLine(res *chunkResult, line int, raw []byte, lits []int, cache *lineCache) {
	raw = bytes.TrimRight(raw, "\r")
	l := newLine(line, raw)
	var key string
	if cache != nil {
		var b strings.Builder
		b.WriteString(l.source)
		b.WriteByte(0)
		b.WriteString(l.unit)
		b.WriteByte(0)
		for _, li := range lits {
			b.WriteString(strconv.Itoa(li))
			b.WriteByte(',')
		}
		b.WriteByte(0)
		b.WriteString(l.msg)
		key = b.String()
		if found, ok := cache.m[key]; ok {
			for _, o := range found {
				o.line = line
				res.add(o)
			}
			return
		}
	}
	var found []obs
	var seenBuf [32]int
	seen := seenBuf[:0]
	for _, li := range lits {
	next:
		for _, mi := range s.byLit[li] {
			for _, x := range seen {
				if x == mi {
					continue next
				}
			}
			seen = append(seen, mi)
			m := s.matchers[mi]
			if o, ok := m.match(l); ok {
				found = append(found, o)
				res.add(o)
			}
		}
	}
	if cache != nil {
		if len(cache.m) >= lineCacheSize {
			cache.m = map[string][]obs{}
		}
		cache.m[key] = found
	}
}

// add files one observation in a chunk result.
func (res *chunkResult) add(o obs) {
	switch {
	case o.fact == "suspect":
		res.suspects = keepSuspect(res.suspects, o)
	case ordered(o.fact):
		if len(res.ordered) < maxOrdered {
			res.ordered = append(res.ordered, o)
		}
	default:
		a := res.facts[o.fact]
		if a == nil {
			a = &agg{}
			res.facts[o.fact] = a
		}
		a.push(o, 1)
	}
}

// lowerASCII writes src with ASCII letters lower-cased into dst (same length), eight bytes at a
// time: a byte is upper-case when its low seven bits are in 'A'..'Z' and its high bit is clear.
func lowerASCII(dst, src []byte) {
	const (
		ones = 0x0101010101010101
		high = 0x8080808080808080
	)
	i := 0
	for ; i+8 <= len(src); i += 8 {
		w := binary.LittleEndian.Uint64(src[i:])
		h := w &^ high
		geA := h + (0x80-'A')*ones
		gtZ := h + (0x80-'Z'-1)*ones
		upper := geA &^ gtZ &^ w & high
		binary.LittleEndian.PutUint64(dst[i:], w|upper>>2)
	}
	for ; i < len(src); i++ {
		b := src[i]
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		dst[i] = b
	}
}

// keepSuspect keeps the maxSuspects most error-looking lines, latest first on ties.
func keepSuspect(list []obs, o obs) []obs {
	list = append(list, o)
	sort.SliceStable(list, func(i, j int) bool {
		if list[i].score != list[j].score {
			return list[i].score > list[j].score
		}
		return list[i].line > list[j].line
	})
	if len(list) > maxSuspects {
		list = list[:maxSuspects]
	}
	return list
}

// run scans the input with workers goroutines and calls emit with each chunk's result in input
// order, line numbers made absolute.
func (s *scanner) run(r io.Reader, workers int, emit func(chunkResult)) (lines int, read int64, truncated int, err error) {
	if workers < 1 {
		workers = 1
	}
	// At most nbuf buffers exist (one being filled, one per worker, one waiting to be merged);
	// they are made when first needed, so a short log costs one.
	nbuf := workers + 2
	free := make(chan *[]byte, nbuf)
	rd := &reader{r: r, free: free, limit: nbuf}
	work := make(chan *chunk, workers)
	results := make(chan chunkResult, nbuf)
	var rerr error
	go func() {
		defer close(work)
		for {
			c, err := rd.next()
			if err != nil {
				rerr = err
				return
			}
			if c == nil {
				return
			}
			work <- c
		}
	}()
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var low []byte
			cache := &lineCache{m: map[string][]obs{}}
			for c := range work {
				var res chunkResult
				low, res = s.scanChunk(c, low, cache)
				free <- c.buf
				results <- res
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()
	pending := map[int]chunkResult{}
	nextSeq := 0
	base := 0
	for res := range results {
		pending[res.seq] = res
		for {
			p, ok := pending[nextSeq]
			if !ok {
				break
			}
			delete(pending, nextSeq)
			nextSeq++
			for _, a := range p.facts {
				for i := range a.samples {
					a.samples[i].line += base
				}
			}
			for i := range p.ordered {
				p.ordered[i].line += base
			}
			for i := range p.suspects {
				p.suspects[i].line += base
			}
			base += p.newlines
			emit(p)
		}
	}
	if rerr != nil && !errors.Is(rerr, io.EOF) {
		return base, rd.read, rd.truncated, rerr
	}
	return base, rd.read, rd.truncated, nil
}
