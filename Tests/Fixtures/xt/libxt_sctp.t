:INPUT,FORWARD,OUTPUT
-p sctp -m sctp --dport 30000;=;OK
-p sctp -m sctp ! --sport 1000:2000 --dport 80;=;OK
-p sctp -m sctp --chunk-types any INIT,COOKIE_ECHO;=;OK
-p sctp -m sctp ! --chunk-types only DATA:Be,ABORT:T;=;OK
-p sctp -m sctp --chunk-types all ALL;=;OK
-p sctp -m sctp --chunk-types any NONE;=;OK
-p sctp -m sctp --sport 0:65535;=;OK
