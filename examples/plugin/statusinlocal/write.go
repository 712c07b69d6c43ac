package statusinlocal

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/gatewright/gatewright/registry"
	"github.com/gatewright/gatewright/supervisor"
)

// File is what the status file holds.
type File struct {
	// Time is when the snapshot was taken.
	Time time.Time `json:"time"`
	// Objects is the status of every object, sorted by name.
	Objects []supervisor.ObjectStatus `json:"objects"`
}

// write takes a snapshot of every object's status and replaces the file
// with it: the JSON goes to a temporary file in the same directory that is
// then renamed over the path, so readers never see half a file.
func (c *Controller) write() error {
	err := c.writeFile(File{Time: time.Now().UTC(), Objects: c.statuses.Status()})
	if err != nil {
		msg := err.Error()
		c.lastErr.Store(&msg)
		return err
	}
	c.lastErr.Store(nil)
	c.writes.Add(1)
	c.lastWrite.Store(time.Now().UnixNano())
	return nil
}

func (c *Controller) writeFile(f File) error {
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding the status: %w", err)
	}
	dir, base := filepath.Split(c.cfg.Path)
	if dir == "" {
		dir = "."
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", c.cfg.Path, err)
	}
	_, err = tmp.Write(append(data, '\n'))
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp.Name(), 0o644)
	}
	if err == nil {
		err = os.Rename(tmp.Name(), c.cfg.Path)
	}
	if err != nil {
		_ = os.Remove(tmp.Name())
		return fmt.Errorf("writing %s: %w", c.cfg.Path, err)
	}
	return nil
}

func durationOf(d time.Duration) registry.Duration { return registry.Duration(d) }
