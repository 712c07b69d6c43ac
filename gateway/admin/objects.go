package admin

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gatewright/gatewright/supervisor"
)

// listObjects answers GET /objects: every stored document, secrets
// redacted, optionally only those of ?kind=.
func (h *Handler) listObjects(w http.ResponseWriter, r *http.Request) {
	objs, rev, err := h.cfg.Backend.Objects(r.Context())
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	kind := r.URL.Query().Get("kind")
	out := []json.RawMessage{}
	for _, o := range objs {
		if kind != "" && !strings.EqualFold(o.Spec.Kind, kind) {
			continue
		}
		doc, err := h.redactedDocument(o.Spec)
		if err != nil {
			writeProblem(w, r, problemFor(err))
			return
		}
		raw, err := orderedDocument(doc)
		if err != nil {
			writeProblem(w, r, problemFor(err))
			return
		}
		out = append(out, raw)
	}
	setRevision(w, rev)
	writeData(w, r, http.StatusOK, out)
}

// getObject answers GET /objects/{name}: the document with its secrets
// redacted; ETag is the revision that last changed it.
func (h *Handler) getObject(w http.ResponseWriter, r *http.Request) {
	o, rev, err := h.cfg.Backend.Object(r.Context(), r.PathValue("name"))
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	doc, err := h.redactedDocument(o.Spec)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	raw, err := orderedDocument(doc)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	setRevision(w, rev)
	w.Header().Set("ETag", strconv.Quote(strconv.FormatUint(o.Spec.Revision, 10)))
	writeData(w, r, http.StatusOK, raw)
}

// createObjects answers POST /objects: every document must be new.
func (h *Handler) createObjects(w http.ResponseWriter, r *http.Request) {
	h.write(w, r, ModeCreate, "")
}

// applyObjects answers PUT /objects: create or update.
func (h *Handler) applyObjects(w http.ResponseWriter, r *http.Request) {
	h.write(w, r, ModeApply, "")
}

// updateObject answers PUT /objects/{name}: replace an existing object.
func (h *Handler) updateObject(w http.ResponseWriter, r *http.Request) {
	h.write(w, r, ModeUpdate, r.PathValue("name"))
}

// write parses the body and stores its documents under mode; name, if
// set, is the only object the body may hold.
func (h *Handler) write(w http.ResponseWriter, r *http.Request, mode Mode, name string) {
	basedOn, p := ifMatch(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	body, p := readBody(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	specs, err := supervisor.ParseDocuments(body)
	if err != nil {
		writeProblem(w, r, newProblem(ProblemInvalidObject, err.Error()))
		return
	}
	if len(specs) == 0 {
		writeProblem(w, r, newProblem(ProblemInvalidObject, "the body holds no document"))
		return
	}
	ctx := r.Context()
	if name != "" {
		if len(specs) != 1 {
			writeProblem(w, r, newProblem(ProblemBadRequest, fmt.Sprintf("PUT %s takes one document, got %d; PUT %s/objects applies several", r.URL.Path, len(specs), Prefix)))
			return
		}
		if specs[0].Name != name {
			writeProblem(w, r, newProblem(ProblemBadRequest, fmt.Sprintf("the document is named %q but the path names %q", specs[0].Name, name)))
			return
		}
		if cur, _, err := h.cfg.Backend.Object(ctx, name); err == nil && cur.Spec.Kind != specs[0].Kind {
			p := newProblem(ProblemInvalidObject, fmt.Sprintf("%s: the kind cannot change from %s to %s; delete the object and create it again", specs[0].Ref(), cur.Spec.Kind, specs[0].Kind))
			p.Object = specs[0].Ref()
			writeProblem(w, r, p)
			return
		}
	}
	for _, s := range specs {
		if err := h.restoreSecrets(ctx, s); err != nil {
			p := problemFor(err)
			p.Object = s.Ref()
			writeProblem(w, r, h.newScrubber(ctx, specs...).problem(p))
			return
		}
	}
	res, err := h.cfg.Backend.Write(ctx, specs, Condition{Mode: mode, BasedOn: basedOn})
	if err != nil {
		p := problemFor(err)
		if len(specs) == 1 {
			p.Object = specs[0].Ref()
		}
		p.Revision = res.Revision
		if res.Revision > 0 {
			setRevision(w, res.Revision)
		}
		writeProblem(w, r, h.newScrubber(ctx, specs...).problem(p))
		return
	}
	setRevision(w, res.Revision)
	status := http.StatusOK
	if mode == ModeCreate {
		status = http.StatusCreated
		if len(specs) == 1 {
			w.Header().Set("Location", Prefix+"/objects/"+specs[0].Name)
		}
	}
	for _, o := range res.Objects {
		h.log.Info("object written through the admin API", "object", o.Name, "kind", o.Kind, "action", o.Action, "revision", res.Revision, "remote", r.RemoteAddr)
	}
	writeData(w, r, status, res)
}

// deleteObject answers DELETE /objects/{name}.
func (h *Handler) deleteObject(w http.ResponseWriter, r *http.Request) {
	basedOn, p := ifMatch(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	name := r.PathValue("name")
	cur, _, err := h.cfg.Backend.Object(r.Context(), name)
	if err != nil {
		writeProblem(w, r, problemFor(err))
		return
	}
	rev, err := h.cfg.Backend.Delete(r.Context(), name, Condition{Mode: ModeUpdate, BasedOn: basedOn})
	if err != nil {
		p := problemFor(err)
		p.Object = cur.Spec.Ref()
		writeProblem(w, r, p)
		return
	}
	h.log.Info("object deleted through the admin API", "object", name, "revision", rev, "remote", r.RemoteAddr)
	setRevision(w, rev)
	writeData(w, r, http.StatusOK, WriteResult{Revision: rev, Objects: []WrittenObject{{Kind: cur.Spec.Kind, Name: name, Action: ActionDeleted}}})
}

// ifMatch reads the revision a write is based on from If-Match ("12",
// 12 or W/"12"); * or no header means none.
func ifMatch(r *http.Request) (uint64, *Problem) {
	v := strings.TrimSpace(r.Header.Get("If-Match"))
	if v == "" || v == "*" {
		return 0, nil
	}
	v = strings.TrimPrefix(v, "W/")
	v = strings.Trim(v, `"`)
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil || n == 0 {
		return 0, newProblem(ProblemBadRequest, fmt.Sprintf("If-Match %q: expected the store revision the edit is based on, e.g. \"42\"", r.Header.Get("If-Match")))
	}
	return n, nil
}
