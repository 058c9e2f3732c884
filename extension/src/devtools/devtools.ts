/** devtools.html: DevTools loads it for every inspected page; it only adds the "Socket.IO" tab. */
// No icon yet: DevTools shows the title alone, which is what its own tabs do.
chrome.devtools.panels.create('Socket.IO', '', 'panel.html');
