:INPUT,FORWARD
-m policy --dir in --pol ipsec --strict --mode tunnel --tunnel-dst 2001:db8::/32 --tunnel-src fd00::1;=;OK
