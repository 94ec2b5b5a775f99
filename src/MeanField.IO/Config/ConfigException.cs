namespace MeanField.IO.Config;

/// <summary>A bad configuration: the message names where (file:line:column or the --set option), the key, the value and what is allowed.</summary>
public sealed class ConfigException(string message) : Exception(message);
