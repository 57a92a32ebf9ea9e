:INPUT,FORWARD,OUTPUT
-m ttl --ttl-eq 64;=;OK
-m ttl ! --ttl-eq 1;=;OK
-m ttl --ttl-lt 5;=;OK
-m ttl --ttl-gt 250;=;OK
