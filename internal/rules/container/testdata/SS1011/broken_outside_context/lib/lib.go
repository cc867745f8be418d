package lib

// Greeting is what the service says.
const Greeting = "hello"
