package validator

import (
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// The expected hashes below were produced by `openssl passwd` (OpenSSL
// 3.0) and Apache's htpasswd conventions, independently of this code.
var knownHashes = []struct{ password, hash string }{
	{"s3cret!", "$apr1$3xDaJcmA$K7LQWkqdp8/XYbfwCfcXy0"},
	{"x", "$apr1$ab$eIePjsejfBGR8ITtu2z0U1"},
	{strings.Repeat("b", 40), "$apr1$zz$rMvslEe/PMD6fV4g5T4bg1"},
	{"password", "$1$saltstri$qQY4WxjABChYG1ccLpfkz/"},
	{"s3cret!", "$5$saltsalt$ywm3fh9hlsnP3CjHIq/FB4.Fd4RXGIh17PjuacBS6v7"},
	{"Hello world!", "$5$saltstring$5B8vYYiY.CVt1RlTTf8KbXBH3hsxY/GNooZaBBGWEc5"},
	{"pw", "$5$rounds=1000$abc$zdUXQ3de2d3x/8MYX1t30oZjPfJThZR5heHeVDYi8j6"},
	{"s3cret!", "$6$Zq1.x/ab$msmigXm1B7oA3pHOTgrTtNxwH/n3OBmviMDw5.SIWaGeSwiPd5kA6xC2X1HubvjEAydmKHDIfpyU9IApx8sQH/"},
	{"Hello world!", "$6$saltstring$svn8UoSVapNtMuq1ukKS4tPQd8iKwSMHWjl/O817G3uBnIFNjnQJuesI68u4OTLiBFdcbYEdFCoEOfaS35inz1"},
	{"Hello world!", "$6$rounds=10000$saltstringsaltst$OW1/O6BYHV6BcXZu8QVeXbDWra3Oeqh0sbHbbMCVNSnCM/UrjmM0Dp8vOuZeHBy/YTBmSK6H9qs/y3RnOaw5v."},
	{strings.Repeat("a", 100), "$6$xy$GfzSurOA6MCT9HXGgk9pmasTeDfrh7XxrWV0TbX6IJ3xdBVMicjiW98GtiTdrQPxN19MAeyntl1OVlPmzCqJv/"},
	{"s3cret!", "{SHA}YWXIkDPDfrJ6I4yV+0kqTJdT5SE="},
}

func TestKnownHashes(t *testing.T) {
	for _, kh := range knownHashes {
		h, err := parseHash(kh.hash)
		if err != nil {
			t.Errorf("%s: %v", kh.hash, err)
			continue
		}
		if !h.matches([]byte(kh.password)) {
			t.Errorf("%s does not match its password %q", kh.hash, kh.password)
		}
		if h.matches([]byte(kh.password+"x")) || h.matches(nil) {
			t.Errorf("%s matches a wrong password", kh.hash)
		}
	}
}

func TestBcryptAndSSHA(t *testing.T) {
	for _, cost := range []int{bcrypt.MinCost, 5} {
		b, err := bcrypt.GenerateFromPassword([]byte("open sesame"), cost)
		if err != nil {
			t.Fatal(err)
		}
		// htpasswd writes $2y$; Go writes $2a$; both are the same.
		for _, stored := range []string{string(b), "$2y$" + string(b[4:]), "$2b$" + string(b[4:])} {
			h, err := parseHash(stored)
			if err != nil {
				t.Fatal(err)
			}
			if !h.matches([]byte("open sesame")) || h.matches([]byte("open sesame!")) {
				t.Errorf("%s: wrong verdict", stored)
			}
		}
	}
	// {SSHA}: base64(SHA1(password+salt) + salt), salt "NaCl" (computed
	// with Python hashlib).
	h, err := parseHash("{SSHA}IxCqNaDxhClw/tV7kfQ66g0TlkpOYUNs")
	if err != nil {
		t.Fatal(err)
	}
	if !h.matches([]byte("hello")) || h.matches([]byte("hallo")) {
		t.Error("{SSHA}: wrong verdict")
	}
}

func TestUnsupportedHashes(t *testing.T) {
	for _, stored := range []string{
		"plaintext",
		"",
		"$2y$xx$notbcrypt",
		"$apr1$toolongsalt$K7LQWkqdp8/XYbfwCfcXy0",
		"$apr1$ab$short",
		"$5$salt",
		"$5$rounds=abc$salt$ywm3fh9hlsnP3CjHIq/FB4.Fd4RXGIh17PjuacBS6v7",
		"$6$salt$tooshort",
		"{SHA}notbase64!",
		"{SSHA}YWXI",
		"$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA",
	} {
		if _, err := parseHash(stored); err == nil {
			t.Errorf("%q accepted", stored)
		}
	}
}

func TestParseHtpasswd(t *testing.T) {
	users, problems := parseHtpasswd([]byte("# users\n\nalice:$apr1$3xDaJcmA$K7LQWkqdp8/XYbfwCfcXy0\r\nbob:plain\n:nohash\ncarol:{SHA}YWXIkDPDfrJ6I4yV+0kqTJdT5SE=\njunk\n"))
	if len(users) != 2 || users["alice"] == nil || users["carol"] == nil {
		t.Fatalf("users %v", users)
	}
	if len(problems) != 3 || !strings.Contains(problems[0], `line 4 (user "bob")`) || !strings.Contains(problems[1], "line 5") || !strings.Contains(problems[2], "line 7") {
		t.Fatalf("problems %q", problems)
	}
	for _, p := range problems {
		if strings.Contains(p, "plain") && !strings.Contains(p, "plain text is refused") {
			t.Errorf("a problem leaks the stored value: %q", p)
		}
	}
}
