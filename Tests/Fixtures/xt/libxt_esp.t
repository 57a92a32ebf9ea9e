:INPUT,FORWARD,OUTPUT
-p esp -m esp --espspi 100;=;OK
-p esp -m esp ! --espspi 1:1000;=;OK
