:INPUT,FORWARD,OUTPUT
-m hl --hl-eq 255;=;OK
-m hl ! --hl-eq 1;=;OK
-m hl --hl-lt 5;=;OK
