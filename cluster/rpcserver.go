package cluster

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/rpc"
	"time"

	"github.com/gatewright/gatewright/cluster/internal/rpcmsg"
)

// endpoint is the store's RPC service: what the other nodes ask of this
// one. Its methods never return an error of their own; the outcome travels
// in the reply so that its type survives the trip.
type endpoint struct{ s *Store }

// newRPCServer returns the RPC server of s.
func newRPCServer(s *Store) (*rpc.Server, error) {
	srv := rpc.NewServer()
	if err := srv.RegisterName(rpcmsg.Service, &endpoint{s: s}); err != nil {
		return nil, fmt.Errorf("cluster: rpc service: %w", err)
	}
	return srv, nil
}

// serveRPC serves one RPC connection until it closes.
func serveRPC(srv *rpc.Server) func(net.Conn) {
	return func(c net.Conn) { srv.ServeConn(c) }
}

// Apply commits a forwarded write on this node, which must be the leader.
func (e *endpoint) Apply(args *rpcmsg.ApplyArgs, reply *rpcmsg.ApplyReply) error {
	cmd, err := decodeCommand(args.Command)
	if err == nil {
		err = checkForwarded(cmd)
	}
	if err != nil {
		if !errors.Is(err, ErrInvalid) {
			err = fmt.Errorf("%w: %v", ErrInvalid, err)
		}
		reply.Err = toWire(err)
		return nil
	}
	ctx, cancel := e.s.callContext(args.Timeout)
	defer cancel()
	res, err := e.s.applyLocal(ctx, cmd)
	reply.Revision, reply.Lease, reply.Err = res.rev, uint64(res.lease), toWire(err)
	return nil
}

// KeepAlive renews a lease on this node, which must be the leader.
func (e *endpoint) KeepAlive(args *rpcmsg.LeaseArgs, reply *rpcmsg.ErrorReply) error {
	ctx, cancel := e.s.callContext(0)
	defer cancel()
	reply.Err = toWire(e.s.keepAliveLocal(ctx, LeaseID(args.Lease)))
	return nil
}

// ReadRevision confirms this node's leadership with a barrier and returns
// its revision: a linearizable read on another node waits for it.
func (e *endpoint) ReadRevision(args *rpcmsg.ReadArgs, reply *rpcmsg.RevisionReply) error {
	ctx, cancel := e.s.callContext(args.Timeout)
	defer cancel()
	rev, err := e.s.leaderRevision(ctx)
	reply.Revision, reply.Err = rev, toWire(err)
	return nil
}

// RemoveServer removes a leaving node from the raft configuration; this
// node must be the leader.
func (e *endpoint) RemoveServer(args *rpcmsg.RemoveArgs, reply *rpcmsg.ErrorReply) error {
	ctx, cancel := e.s.callContext(args.Timeout)
	defer cancel()
	reply.Err = toWire(e.s.removeServerLocal(ctx, args.ID))
	return nil
}

// Identify tells which cluster this node's state belongs to, so that a
// leader adds only fresh nodes and nodes of its own cluster.
func (e *endpoint) Identify(_ *rpcmsg.IdentifyArgs, reply *rpcmsg.IdentifyReply) error {
	if e.s.closed.Load() {
		reply.Err = toWire(ErrClosed)
		return nil
	}
	reply.ClusterID = e.s.clusterIDNow()
	reply.HasState = e.s.raft.LastIndex() > 0
	return nil
}

// Status returns this node's runtime status.
func (e *endpoint) Status(args *rpcmsg.StatusArgs, reply *rpcmsg.StatusReply) error {
	ctx, cancel := e.s.callContext(args.Timeout)
	defer cancel()
	st, err := e.s.localStatus(ctx)
	reply.Status, reply.Err = st, toWire(err)
	return nil
}

// callContext bounds the work of one RPC by the caller's timeout, at most
// Config.ApplyTimeout.
func (s *Store) callContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	if timeout <= 0 || timeout > s.cfg.ApplyTimeout {
		timeout = s.cfg.ApplyTimeout
	}
	return context.WithTimeout(context.Background(), timeout)
}

// checkForwarded admits the commands other nodes may forward: writes and
// lease grants and revocations, valid ones only.
func checkForwarded(cmd *command) error {
	switch cmd.Type {
	case cmdTxn:
		return validateOps(cmd.Ops)
	case cmdGrant:
		if cmd.TTL <= 0 {
			return fmt.Errorf("lease TTL %v must be positive", cmd.TTL)
		}
		return nil
	case cmdRevoke:
		return nil
	default:
		return fmt.Errorf("command type %d cannot be forwarded", cmd.Type)
	}
}
