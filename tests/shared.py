"""What test modules of several apps share."""

# The tests' own Redis database. The site run on this machine (`make run`) keeps its pages and
# the directory's figures in database 1: a server that the tests start on the test database
# must not leave its pages and its list of countries there for that site to show.
TEST_REDIS_URL = "redis://127.0.0.1:6379/15"
