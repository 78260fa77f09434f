Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- <engine|training|scaleout>");
return 2;
