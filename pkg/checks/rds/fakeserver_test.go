package rds_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/binary"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgproto3"
)

// testCert returns a self-signed certificate for 127.0.0.1: enough for the
// "require" TLS mode, which encrypts without verifying.
func testCert(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "fake-db"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("create certificate: %v", err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

// login is what a fake server saw of one connection's log-in.
type login struct {
	User     string
	Password string
	TLS      bool
}

// fakeServer records the log-ins of a fake database server.
type fakeServer struct {
	addr string
	mu   sync.Mutex
	seen []login
	kill func() // closes the connections open now
}

func (f *fakeServer) record(l login) {
	f.mu.Lock()
	f.seen = append(f.seen, l)
	f.mu.Unlock()
}

// logins returns the log-ins seen so far.
func (f *fakeServer) logins() []login {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]login(nil), f.seen...)
}

// host and port of the fake server.
func (f *fakeServer) hostPort(t *testing.T) (string, int) {
	t.Helper()
	host, port, err := net.SplitHostPort(f.addr)
	if err != nil {
		t.Fatalf("split %q: %v", f.addr, err)
	}
	p, err := strconv.Atoi(port)
	if err != nil {
		t.Fatalf("port %q: %v", port, err)
	}
	return host, p
}

// serve accepts connections on a loopback listener until the test ends.
func serve(t *testing.T, handle func(net.Conn)) *fakeServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer c.Close()
				handle(c)
			}()
		}
	}()
	kill := func() {
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
	}
	t.Cleanup(func() {
		ln.Close()
		kill()
		wg.Wait()
	})
	return &fakeServer{addr: ln.Addr().String(), kill: kill}
}

// fakePostgres starts a PostgreSQL server that asks for a cleartext
// password, records it, and then either rejects the log-in with the
// SQLSTATE reject returns or answers pings and SELECT 1.
func fakePostgres(t *testing.T, cert tls.Certificate, reject func(l login) string) *fakeServer {
	t.Helper()
	var srv *fakeServer
	srv = serve(t, func(c net.Conn) {
		var conn net.Conn = c
		be := pgproto3.NewBackend(conn, conn)
		msg, err := be.ReceiveStartupMessage()
		if err != nil {
			return
		}
		var l login
		if _, ok := msg.(*pgproto3.SSLRequest); ok {
			if _, err := conn.Write([]byte("S")); err != nil {
				return
			}
			tc := tls.Server(conn, &tls.Config{Certificates: []tls.Certificate{cert}})
			if err := tc.Handshake(); err != nil {
				return
			}
			conn, l.TLS = tc, true
			be = pgproto3.NewBackend(conn, conn)
			if msg, err = be.ReceiveStartupMessage(); err != nil {
				return
			}
		}
		startup, ok := msg.(*pgproto3.StartupMessage)
		if !ok {
			return
		}
		l.User = startup.Parameters["user"]
		be.Send(&pgproto3.AuthenticationCleartextPassword{})
		if be.Flush() != nil || be.SetAuthType(pgproto3.AuthTypeCleartextPassword) != nil {
			return
		}
		msg, err = be.Receive()
		if err != nil {
			return
		}
		pw, ok := msg.(*pgproto3.PasswordMessage)
		if !ok {
			return
		}
		l.Password = pw.Password
		srv.record(l)
		if reject != nil {
			if code := reject(l); code != "" {
				be.Send(&pgproto3.ErrorResponse{Severity: "FATAL", Code: code, Message: "rejected by the fake server"})
				_ = be.Flush()
				return
			}
		}
		be.Send(&pgproto3.AuthenticationOk{})
		for k, v := range map[string]string{"server_version": "16.0", "client_encoding": "UTF8", "standard_conforming_strings": "on"} {
			be.Send(&pgproto3.ParameterStatus{Name: k, Value: v})
		}
		be.Send(&pgproto3.BackendKeyData{ProcessID: 1, SecretKey: []byte{0, 0, 0, 1}})
		be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
		if be.Flush() != nil {
			return
		}
		servePostgresQueries(be)
	})
	return srv
}

// servePostgresQueries answers simple queries with an empty result and any
// extended-protocol statement as if it were SELECT 1.
func servePostgresQueries(be *pgproto3.Backend) {
	int4 := pgproto3.FieldDescription{Name: []byte("?column?"), DataTypeOID: 23, DataTypeSize: 4, TypeModifier: -1}
	binary1 := false
	for {
		msg, err := be.Receive()
		if err != nil {
			return
		}
		switch m := msg.(type) {
		case *pgproto3.Query:
			be.Send(&pgproto3.EmptyQueryResponse{})
			be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
		case *pgproto3.Parse:
			be.Send(&pgproto3.ParseComplete{})
		case *pgproto3.Describe:
			if m.ObjectType == 'S' {
				be.Send(&pgproto3.ParameterDescription{})
			}
			f := int4
			be.Send(&pgproto3.RowDescription{Fields: []pgproto3.FieldDescription{f}})
		case *pgproto3.Bind:
			binary1 = len(m.ResultFormatCodes) > 0 && m.ResultFormatCodes[0] == 1
			be.Send(&pgproto3.BindComplete{})
		case *pgproto3.Execute:
			v := []byte("1")
			if binary1 {
				v = binary.BigEndian.AppendUint32(nil, 1)
			}
			be.Send(&pgproto3.DataRow{Values: [][]byte{v}})
			be.Send(&pgproto3.CommandComplete{CommandTag: []byte("SELECT 1")})
		case *pgproto3.Sync:
			be.Send(&pgproto3.ReadyForQuery{TxStatus: 'I'})
		case *pgproto3.Terminate:
			return
		}
		if be.Flush() != nil {
			return
		}
	}
}

// MySQL protocol constants the fake server uses.
const (
	myClientLongPassword  = 1 << 0
	myClientLongFlag      = 1 << 2
	myClientConnectWithDB = 1 << 3
	myClientProtocol41    = 1 << 9
	myClientSSL           = 1 << 11
	myClientTransactions  = 1 << 13
	myClientSecureConn    = 1 << 15
	myClientPluginAuth    = 1 << 19
	myClientPluginLenEnc  = 1 << 21
	myComQuit             = 0x01
)

// fakeMySQL starts a MySQL server that asks for the mysql_clear_password
// plugin (as RDS does for IAM tokens), records what it is sent after the
// TLS upgrade, and answers every command with OK.
func fakeMySQL(t *testing.T, cert tls.Certificate) *fakeServer {
	t.Helper()
	var srv *fakeServer
	srv = serve(t, func(c net.Conn) {
		p := &myPackets{rw: c}
		caps := uint32(myClientLongPassword | myClientLongFlag | myClientConnectWithDB | myClientProtocol41 |
			myClientSSL | myClientTransactions | myClientSecureConn | myClientPluginAuth | myClientPluginLenEnc)
		hs := []byte{10}
		hs = append(hs, "8.0.36-fake\x00"...)
		hs = binary.LittleEndian.AppendUint32(hs, 1) // connection id
		hs = append(hs, "abcdefgh"...)               // auth data, part 1
		hs = append(hs, 0)                           // filler
		hs = binary.LittleEndian.AppendUint16(hs, uint16(caps))
		hs = append(hs, 45)                          // utf8mb4_general_ci
		hs = binary.LittleEndian.AppendUint16(hs, 2) // autocommit
		hs = binary.LittleEndian.AppendUint16(hs, uint16(caps>>16))
		hs = append(hs, 21)                    // auth data length
		hs = append(hs, make([]byte, 10)...)   // reserved
		hs = append(hs, "ijklmnopqrst\x00"...) // auth data, part 2
		hs = append(hs, "mysql_clear_password\x00"...)
		if p.write(hs) != nil {
			return
		}
		resp, err := p.read()
		if err != nil || len(resp) < 32 {
			return
		}
		var l login
		if binary.LittleEndian.Uint32(resp)&myClientSSL != 0 && len(resp) == 32 {
			tc := tls.Server(c, &tls.Config{Certificates: []tls.Certificate{cert}})
			if tc.Handshake() != nil {
				return
			}
			p.rw, l.TLS = tc, true
			if resp, err = p.read(); err != nil || len(resp) < 32 {
				return
			}
		}
		rest := resp[32:]
		user, rest, ok := cutNull(rest)
		if !ok || len(rest) < 1 {
			return
		}
		n := int(rest[0]) // the fake's answers are short: a one-byte length
		if len(rest) < 1+n {
			return
		}
		l.User = string(user)
		l.Password = string(trimNull(rest[1 : 1+n]))
		srv.record(l)
		if p.write(myOK()) != nil {
			return
		}
		for {
			p.seq = 0
			cmd, err := p.read()
			if err != nil || len(cmd) == 0 || cmd[0] == myComQuit {
				return
			}
			if p.write(myOK()) != nil {
				return
			}
		}
	})
	return srv
}

// myPackets reads and writes MySQL packets, keeping the sequence number.
type myPackets struct {
	rw  io.ReadWriter
	seq byte
}

func (p *myPackets) read() ([]byte, error) {
	var h [4]byte
	if _, err := io.ReadFull(p.rw, h[:]); err != nil {
		return nil, err
	}
	n := int(h[0]) | int(h[1])<<8 | int(h[2])<<16
	p.seq = h[3] + 1
	b := make([]byte, n)
	_, err := io.ReadFull(p.rw, b)
	return b, err
}

func (p *myPackets) write(b []byte) error {
	h := []byte{byte(len(b)), byte(len(b) >> 8), byte(len(b) >> 16), p.seq}
	p.seq++
	_, err := p.rw.Write(append(h, b...))
	return err
}

// myOK is an OK packet: no rows, no id, autocommit, no warnings.
func myOK() []byte { return []byte{0, 0, 0, 2, 0, 0, 0} }

func cutNull(b []byte) (before, after []byte, ok bool) {
	for i, c := range b {
		if c == 0 {
			return b[:i], b[i+1:], true
		}
	}
	return nil, nil, false
}

func trimNull(b []byte) []byte {
	if len(b) > 0 && b[len(b)-1] == 0 {
		return b[:len(b)-1]
	}
	return b
}

var errFake = errors.New("fake failure")

// closedPort returns a loopback port on which nothing listens.
func closedPort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	return port
}
