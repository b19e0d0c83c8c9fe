using System.Runtime.CompilerServices;

[assembly: InternalsVisibleTo("Paas.Scripting.Tests")]
