FROM scratch
COPY a b /dst/
COPY top.txt /file
COPY *.txt /txt/
COPY secrets /secrets
ADD https://example.com/x.tar.gz /x/
