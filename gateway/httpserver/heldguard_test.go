package httpserver

import (
	"io"
	"net"
	"testing"
	"time"
)

// These tests drive a gate connection the way fasthttp does after a
// reply (hold it, write it, set the keep-alive deadline, read the next
// request), on one goroutine, so that they can look at its state.

// holdAndRead holds reply, sets the keep-alive deadline as connState does
// with the clock reading now, and reads the next request (the client must
// have sent it or send it). It returns what was read.
func holdAndRead(t *testing.T, gc *gateConn, now time.Time, reply string) string {
	t.Helper()
	gc.hr.holding = true
	if _, err := gc.Write([]byte(reply)); err != nil {
		t.Fatal(err)
	}
	if err := gc.setReadDeadlineAt(now, now.Add(5*time.Second)); err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 64)
	n, err := gc.Read(p)
	if err != nil {
		t.Fatalf("reading the request after %q: %v", reply, err)
	}
	return string(p[:n])
}

// answer starts reading want from the client's end, then sending next
// (if any), on a goroutine of its own; the channel closes when it is done.
func answer(t *testing.T, client net.Conn, want, next string) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = client.SetReadDeadline(time.Now().Add(2 * time.Second))
		got := make([]byte, len(want))
		if _, err := io.ReadFull(client, got); err != nil || string(got) != want {
			t.Errorf("the client read %q, %v; want %q", got, err, want)
			return
		}
		if next == "" {
			return
		}
		if _, err := client.Write([]byte(next)); err != nil {
			t.Error(err)
		}
	}()
	return done
}

// TestBusyConnectionKeepsItsGuard: replies that follow each other quickly
// share the guard set for the first; the socket's timer is not touched,
// and each reply still gets to the client.
func TestBusyConnectionKeepsItsGuard(t *testing.T) {
	gc, client := acceptedGateConn(t)
	var first time.Time
	for i := range 5 {
		reply := "reply " + string(rune('a'+i))
		done := answer(t, client, reply, "next")
		if got := holdAndRead(t, gc, time.Now(), reply); got != "next" {
			t.Fatalf("read %q", got)
		}
		<-done
		if i == 0 {
			first = gc.rd.armed
			continue
		}
		if !gc.rd.armed.Equal(first) {
			t.Fatalf("reply %d set a new guard (%v, first %v)", i+1, gc.rd.armed, first)
		}
		if !gc.hr.guardUntil.After(first) {
			t.Fatalf("reply %d: its own guard %v is not after the kept one %v", i+1, gc.hr.guardUntil, first)
		}
	}
	if gc.hr.off {
		t.Fatal("the connection stopped holding replies")
	}
	// A reply once the kept guard has less than guardReuseLeft to go
	// gets a guard of its own.
	now := first.Add(-guardReuseLeft).Add(time.Millisecond)
	done := answer(t, client, "late", "next")
	holdAndRead(t, gc, now, "late")
	<-done
	if want := now.Add(heldReplyGuard); !gc.rd.armed.Equal(want) {
		t.Fatalf("guard %v, want a new one at %v", gc.rd.armed, want)
	}
}

// TestKeptGuardPassingEarlyDoesNotTurnHoldingOff: a kept guard that has
// passed before the reply's own would have leads to one read, which takes
// the request already waiting; the connection goes on holding replies.
// Only a guard that passes heldReplyGuard after its reply went out tells
// that a request was missed: the request the earlier kept guard finds
// may have come just after it passed.
func TestKeptGuardPassingEarlyDoesNotTurnHoldingOff(t *testing.T) {
	for attempt := 1; ; attempt++ {
		gc, client := acceptedGateConn(t)
		done := answer(t, client, "first", "next")
		holdAndRead(t, gc, time.Now(), "first")
		<-done
		kept := gc.rd.armed

		// The next request is waiting when the kept guard passes. The
		// second reply is held with a clock reading that keeps the
		// guard; its own comes 25 ms after the kept one.
		if _, err := client.Write([]byte("next")); err != nil {
			t.Fatal(err)
		}
		done = answer(t, client, "second", "")
		time.Sleep(time.Until(kept) + 2*time.Millisecond)
		got := holdAndRead(t, gc, kept.Add(-guardReuseLeft), "second")
		<-done
		if time.Since(kept) > 20*time.Millisecond {
			if attempt == 3 {
				t.Fatal("the read never ran between the two guards")
			}
			continue // too slow to tell: its own guard may have passed too
		}
		if got != "next" {
			t.Fatalf("read %q", got)
		}
		if gc.hr.off {
			t.Fatal("a kept guard passing early turned holding off")
		}
		return
	}
}

// TestGuardPassedBeforeTheReadStillSendsTheReply: a guard that passed
// before the read that sends the reply (a goroutine held up for longer
// than the guard) does not lose the reply.
func TestGuardPassedBeforeTheReadStillSendsTheReply(t *testing.T) {
	gc, client := acceptedGateConn(t)
	done := answer(t, client, "late reply", "next")
	if got := holdAndRead(t, gc, time.Now().Add(-2*heldReplyGuard), "late reply"); got != "next" {
		t.Fatalf("read %q", got)
	}
	<-done
}
