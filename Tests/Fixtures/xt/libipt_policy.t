:INPUT,FORWARD
-m policy --dir in --pol ipsec;=;OK
-m policy --dir in --pol none;=;OK
-m policy --dir in --pol ipsec --strict --reqid 1 --spi 0x10 --proto esp --mode tunnel --tunnel-dst 10.0.0.0/8 --tunnel-src 10.1.0.1;=;OK
-m policy --dir in --pol ipsec --strict ! --reqid 2 --next --proto ah ! --mode transport;=;OK
-m policy --dir in --pol ipsec --proto 50;-m policy --dir in --pol ipsec --proto esp;OK
:OUTPUT,FORWARD
-m policy --dir out --pol ipsec --proto ipcomp;=;OK
